package dev.vitals.approval;

import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The settings sign-off reads: {@code vitals.zone} ({@code VITALS_ZONE}, UTC), the zone its times are shown in. */
@ConfigurationProperties("vitals")
record ApprovalProperties(@DefaultValue("UTC") ZoneId zone) {
}
