package dev.vitals.database;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** The pool over an embedded PostgreSQL; closing it stops the database after the pool. */
final class EmbeddedBackedDataSource extends DelegatingDataSource implements AutoCloseable {
    private final HikariDataSource pool;
    private final EmbeddedPostgres postgres;

    EmbeddedBackedDataSource(HikariDataSource pool, EmbeddedPostgres postgres) {
        super(pool);
        this.pool = pool;
        this.postgres = postgres;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return pool.getConnection();
    }

    @Override
    public void close() throws IOException {
        pool.close();
        postgres.close();
    }
}
