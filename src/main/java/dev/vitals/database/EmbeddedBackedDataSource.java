package dev.vitals.database;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application role's pool over an embedded PostgreSQL; closing it stops the watchdog, then the
 * pool, then the database.
 */
final class EmbeddedBackedDataSource extends DelegatingDataSource implements AutoCloseable {
    private final HikariDataSource pool;
    private final EmbeddedPostgres postgres;
    private final Optional<PostmasterWatchdog> watchdog;

    EmbeddedBackedDataSource(HikariDataSource pool, EmbeddedPostgres postgres, Optional<PostmasterWatchdog> watchdog) {
        super(pool);
        this.pool = pool;
        this.postgres = postgres;
        this.watchdog = watchdog;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    /** Connections as the owner of the schema, for migrations. */
    DataSource owner() {
        return postgres.getDatabase(EmbeddedRoles.OWNER, "postgres");
    }

    @Override
    public void close() throws IOException {
        watchdog.ifPresent(PostmasterWatchdog::close);
        pool.close();
        postgres.close();
    }
}
