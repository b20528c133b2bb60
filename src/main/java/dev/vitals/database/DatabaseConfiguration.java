package dev.vitals.database;

import com.zaxxer.hikari.HikariConfig;
import dev.vitals.secrets.Secrets;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;
import org.springframework.context.annotation.Primary;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseProperties.class)
class DatabaseConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** Pipelines, commands and up to 16 event listeners (each in a transaction of its own) at once; 10 ran dry with 30 deployments. */
    private static final int MAXIMUM_POOL_SIZE = 32;

    // An invalid catalog must stop Vitals before it uses a database or touches anything else (an embedded
    // database started meanwhile is stopped with the failed context).
    @Bean(destroyMethod = "close")
    @DependsOn("catalog")
    @Primary
    DataSource dataSource(DataSourceProperties connection, DatabaseProperties properties,
                          ObjectProvider<EmbeddedDatabaseStart> early) {
        String url = orEmpty(connection.getUrl());
        HikariConfig config = new HikariConfig();
        config.setPoolName("vitals");
        config.setMaximumPoolSize(MAXIMUM_POOL_SIZE);
        // While PostgreSQL does not answer, a command is refused within seconds rather than hanging for 30.
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        if (!url.isBlank()) {
            log.info("Using PostgreSQL at {}", Secrets.maskUrlPasswords(url));
            config.setJdbcUrl(url);
            config.setUsername(orEmpty(connection.getUsername()));
            config.setPassword(orEmpty(connection.getPassword()));
            return new HikariDataSource(config);
        }
        // Started by EmbeddedDatabaseStart while the context was built (or now, in a context without it).
        EmbeddedDatabaseStart start = early.getIfAvailable();
        EmbeddedDatabaseStart.Started started = start != null ? start.take() : EmbeddedDatabaseStart.start(properties);
        EmbeddedPostgres postgres = started.postgres();
        config.setDataSource(postgres.getDatabase(EmbeddedRoles.APP, "postgres"));
        return new EmbeddedBackedDataSource(new HikariDataSource(config), postgres, started.watchdog());
    }

    /**
     * Migrations run as the owner: in embedded mode the owner role, on a server the user named by
     * {@code vitals.database.owner-user} when one is set (otherwise the one datasource user, as before).
     */
    @Bean
    FlywayConfigurationCustomizer migrationsAsOwner(DataSource dataSource, DataSourceProperties connection,
                                                    DatabaseProperties properties) {
        String url = orEmpty(connection.getUrl());
        String username = orEmpty(connection.getUsername());
        String ownerUser = properties.database().ownerUser();
        String ownerPassword = properties.database().ownerPassword();
        return configuration -> {
            String appRole = "";
            if (dataSource instanceof EmbeddedBackedDataSource embedded) {
                configuration.dataSource(embedded.owner());
                appRole = EmbeddedRoles.APP;
            } else if (!ownerUser.isBlank()) {
                configuration.dataSource(url, ownerUser, ownerPassword);
                appRole = username;
            }
            configuration.placeholders(Map.of("appRole", appRole));
        };
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
