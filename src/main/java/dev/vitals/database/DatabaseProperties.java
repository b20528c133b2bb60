package dev.vitals.database;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings of the database module (the connection itself is Spring's {@code spring.datasource.*}):
 * <ul>
 * <li>{@code vitals.data-dir} ({@code VITALS_HOME}, {@code ~/.vitals}): the embedded PostgreSQL keeps its data
 * in {@code pgdata} under it;</li>
 * <li>{@code vitals.embedded-database.port} (0: any free port), {@code vitals.embedded-database.fresh}
 * (false; true starts from an empty data directory, for tests and trials) and
 * {@code vitals.embedded-database.durable} (true: a commit returns once it is on disk, as on a server by
 * default; false only for throw-away databases, as the test suite's);</li>
 * <li>{@code vitals.database.owner-user} / {@code owner-password}: on a server, the role migrations run
 * as.</li>
 * </ul>
 */
@ConfigurationProperties("vitals")
record DatabaseProperties(Path dataDir, @DefaultValue EmbeddedDatabase embeddedDatabase, @DefaultValue Owner database) {

    DatabaseProperties {
        dataDir = dataDir == null ? Path.of(System.getProperty("user.home"), ".vitals") : dataDir;
    }

    record EmbeddedDatabase(@DefaultValue("0") int port, @DefaultValue("false") boolean fresh,
                            @DefaultValue("true") boolean durable) {
    }

    /** {@code vitals.database.owner-user} and {@code owner-password}; blank: migrations run as the datasource user. */
    record Owner(String ownerUser, String ownerPassword) {
        Owner {
            ownerUser = ownerUser == null ? "" : ownerUser;
            ownerPassword = ownerPassword == null ? "" : ownerPassword;
        }

        /** Never the password: a record's own toString would print it. */
        @Override
        public String toString() {
            return "Owner[ownerUser=" + ownerUser + "]";
        }
    }
}
