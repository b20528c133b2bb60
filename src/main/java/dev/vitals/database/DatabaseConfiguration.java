package dev.vitals.database;

import com.zaxxer.hikari.HikariConfig;
import dev.vitals.secrets.Secrets;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private static final Duration LEFTOVER_SHUTDOWN = Duration.ofSeconds(30);
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** Pipelines, commands and up to 16 event listeners (each in a transaction of its own) at once; 10 ran dry with 30 deployments. */
    private static final int MAXIMUM_POOL_SIZE = 32;

    // An invalid catalog must stop Vitals before it starts a database or touches anything else.
    @Bean(destroyMethod = "close")
    @DependsOn("catalog")
    @Primary
    DataSource dataSource(DataSourceProperties connection, DatabaseProperties properties) {
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
        Path dataDir = properties.dataDir();
        Path data = dataDir.resolve("pgdata");
        EmbeddedPostgres postgres = startEmbedded(dataDir, data, properties.embeddedDatabase().port(),
                properties.embeddedDatabase().fresh());
        Optional<PostmasterWatchdog> watchdog = PostmasterWatchdog.start(data);
        try {
            EmbeddedRoles.ensure(postgres.getPostgresDatabase());
        } catch (RuntimeException e) {
            watchdog.ifPresent(PostmasterWatchdog::close);
            close(postgres);
            throw e;
        }
        config.setDataSource(postgres.getDatabase(EmbeddedRoles.APP, "postgres"));
        return new EmbeddedBackedDataSource(new HikariDataSource(config), postgres, watchdog);
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

    private static EmbeddedPostgres startEmbedded(Path dataDir, Path data, int port, boolean fresh) {
        try {
            Path work = dataDir.resolve("pgwork");
            Files.createDirectories(work);
            log.info("Embedded PostgreSQL: found {}", LeftoverPostmaster.settle(data, LEFTOVER_SHUTDOWN));
            log.info("Starting embedded PostgreSQL with data in {}", data);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(fresh)
                    .setOverrideWorkingDirectory(work.toFile());
            if (port > 0) {
                builder.setPort(port);
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL could not start in " + dataDir
                    + " (set VITALS_DATABASE_URL to use a PostgreSQL server instead)", e);
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Could not stop the embedded PostgreSQL: {}", e.toString());
        }
    }
}
