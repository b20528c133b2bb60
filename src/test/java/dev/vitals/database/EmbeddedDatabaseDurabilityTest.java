package dev.vitals.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The embedded PostgreSQL as shipped commits as a server does by default: a commit has reached the disk when it
 * returns, so what Vitals recorded before acting on the engine is still there after PostgreSQL or the machine
 * crashed. (The embedded library's own default is neither; the test suite turns it off for its throw-away
 * databases, the benchmarks do not.)
 */
class EmbeddedDatabaseDurabilityTest {

    @Test
    void theEmbeddedDatabaseAsShippedWaitsForTheDiskBeforeACommitReturns() throws Exception {
        Path home = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "durable-pg");
        // given the settings of a Vitals that names only its home
        DatabaseProperties shipped = new Binder(new MapConfigurationPropertySource(Map.of(
                "vitals.data-dir", home.toString(), "vitals.embedded-database.fresh", "true")))
                .bind("vitals", DatabaseProperties.class).get();
        EmbeddedDatabaseStart.Started started = EmbeddedDatabaseStart.start(shipped);
        try (Connection c = started.postgres().getPostgresDatabase().getConnection();
             Statement s = c.createStatement()) {
            // then
            assertThat(setting(s, "fsync")).isEqualTo("on");
            assertThat(setting(s, "synchronous_commit")).isEqualTo("on");
        } finally {
            started.close();
        }
    }

    private static String setting(Statement s, String name) throws Exception {
        try (ResultSet r = s.executeQuery("SHOW " + name)) {
            r.next();
            return r.getString(1);
        }
    }
}
