package dev.vitals.catalog;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** {@code vitals.catalog} ({@code VITALS_CATALOG}): the catalog file, {@code ./vitals.yml} unless set. */
@ConfigurationProperties("vitals")
record CatalogProperties(@DefaultValue("./vitals.yml") Path catalog) {
}
