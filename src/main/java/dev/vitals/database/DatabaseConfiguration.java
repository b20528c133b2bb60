package dev.vitals.database;

import com.zaxxer.hikari.HikariConfig;
import dev.vitals.secrets.Secrets;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.DependsOn;

@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DatabaseConfiguration.class);

    // An invalid catalog must stop Vitals before it starts a database or touches anything else.
    @Bean(destroyMethod = "close")
    @DependsOn("catalog")
    DataSource dataSource(@Value("${spring.datasource.url:}") String url,
                          @Value("${spring.datasource.username:}") String username,
                          @Value("${spring.datasource.password:}") String password,
                          @Value("${vitals.data-dir}") Path dataDir,
                          @Value("${vitals.embedded-database.port:0}") int port,
                          @Value("${vitals.embedded-database.fresh:false}") boolean fresh) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("vitals");
        config.setMaximumPoolSize(10);
        if (!url.isBlank()) {
            log.info("Using PostgreSQL at {}", Secrets.maskUrlPasswords(url));
            config.setJdbcUrl(url);
            config.setUsername(username);
            config.setPassword(password);
            return new HikariDataSource(config);
        }
        EmbeddedPostgres postgres = startEmbedded(dataDir, port, fresh);
        config.setDataSource(postgres.getPostgresDatabase());
        return new EmbeddedBackedDataSource(new HikariDataSource(config), postgres);
    }

    private static EmbeddedPostgres startEmbedded(Path dataDir, int port, boolean fresh) {
        try {
            Path data = dataDir.resolve("pgdata");
            Path work = dataDir.resolve("pgwork");
            Files.createDirectories(work);
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
}
