package dev.vitals.database;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Connections of their own, outside the pool, to the same database with the same credentials: for a
 * session that must live as long as its holder wants (a session-level advisory lock), which a pooled
 * connection cannot promise.
 */
@Component
public final class DedicatedConnections {
    private final DataSource dataSource;

    public DedicatedConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A new connection; the caller owns it and closes it. */
    public Connection open() throws SQLException {
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        DataSource underlying = pool.getDataSource();
        if (underlying != null) {
            return pool.getUsername() == null ? underlying.getConnection()
                    : underlying.getConnection(pool.getUsername(), pool.getPassword());
        }
        Properties properties = new Properties();
        properties.putAll(pool.getDataSourceProperties());
        if (pool.getUsername() != null) {
            properties.setProperty("user", pool.getUsername());
        }
        if (pool.getPassword() != null) {
            properties.setProperty("password", pool.getPassword());
        }
        return DriverManager.getConnection(pool.getJdbcUrl(), properties);
    }
}
