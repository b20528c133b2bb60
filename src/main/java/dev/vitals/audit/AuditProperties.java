package dev.vitals.audit;

import java.nio.file.Path;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings the audit log reads:
 * <ul>
 * <li>{@code vitals.audit.key} ({@code VITALS_AUDIT_KEY}): the HMAC key of the chain; blank: the key file
 * {@code audit.key} under {@code vitals.data-dir};</li>
 * <li>{@code vitals.data-dir} ({@code VITALS_HOME}, {@code ~/.vitals}): where the key file and the anchors
 * are kept;</li>
 * <li>{@code vitals.zone} ({@code VITALS_ZONE}, UTC): the zone of dates and local times in export queries;</li>
 * <li>{@code vitals.embedded-database.fresh}: a fresh embedded database starts an empty log, so old anchors
 * are dropped.</li>
 * </ul>
 * {@code vitals.audit.anchor-interval} (1 h) is read by the schedule of {@link AuditAnchoring}.
 */
@ConfigurationProperties("vitals")
record AuditProperties(@DefaultValue Audit audit, Path dataDir, @DefaultValue("UTC") ZoneId zone,
                       @DefaultValue EmbeddedDatabase embeddedDatabase) {

    AuditProperties {
        dataDir = dataDir == null ? Path.of(System.getProperty("user.home"), ".vitals") : dataDir;
    }

    record Audit(String key) {
        Audit {
            key = key == null ? "" : key;
        }

        /** Never the key: a record's own toString would print it. */
        @Override
        public String toString() {
            return "Audit[key=" + (key.isBlank() ? "" : "(set)") + "]";
        }
    }

    record EmbeddedDatabase(@DefaultValue("false") boolean fresh) {
    }
}
