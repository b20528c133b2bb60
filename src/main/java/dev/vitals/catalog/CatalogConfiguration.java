package dev.vitals.catalog;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CatalogProperties.class)
class CatalogConfiguration {
    private static final Logger log = LoggerFactory.getLogger(CatalogConfiguration.class);

    @Bean
    Catalog catalog(CatalogProperties properties) {
        Catalog catalog = CatalogLoader.load(properties.catalog().toAbsolutePath().normalize());
        log.info("Catalog {}: environments {}, services {}, {} users", catalog.source(),
                catalog.environments().keySet(), catalog.services().keySet(), catalog.users().size());
        return catalog;
    }
}
