package dev.vitals.maintenance;

import java.time.ZoneId;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MaintenanceConfiguration {
    /** Notices and replies speak the clinic's local time ({@code VITALS_ZONE}). */
    @Bean
    NoticeText noticeText(@Value("${vitals.zone}") ZoneId zone) {
        return new NoticeText(zone);
    }
}
