package dev.vitals.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** A pool whose connections are all in use is told apart from a database that does not answer. */
class DatabaseBusyTest {

    @Test
    void aPoolWithEveryConnectionInUseIsBusyAndAnUnreachableDatabaseIsNot() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "busy-pg");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setOverrideWorkingDirectory(dir.toFile()).start();
             HikariDataSource one = pool(postgres.getJdbcUrl("postgres", "postgres"));
             Connection held = one.getConnection()) {
            // given a pool of one connection, in use
            assertThat(held.isValid(1)).isTrue();

            // when another caller waits for a connection
            Throwable busy = catchThrowable(one::getConnection);

            // then the failure reads as a busy pool
            assertThat(DatabaseBusy.isPoolExhausted(busy)).as(String.valueOf(busy)).isTrue();
        }

        // and a pool whose database does not answer is not busy but unreachable
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/postgres");
        config.setUsername("postgres");
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(1_000);
        config.setInitializationFailTimeout(-1);
        try (HikariDataSource unreachable = new HikariDataSource(config)) {
            Throwable down = catchThrowable(unreachable::getConnection);
            assertThat(down).isNotNull();
            assertThat(DatabaseBusy.isPoolExhausted(down)).as(String.valueOf(down)).isFalse();
        }
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(500);
        return new HikariDataSource(config);
    }
}
