package dev.vitals.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded PostgreSQL, started while Spring builds the context rather than when the data source is
 * first asked for: it takes about as long as the context's configuration does, so the two overlap at start.
 *
 * <p>Registered in {@code META-INF/spring.factories}; only when no {@code spring.datasource.url} is set (no
 * server). The data source takes the started database ({@link #take()}); if the context fails before that
 * (an invalid catalog), the database is stopped with it, so a failed start leaves no PostgreSQL running.
 * Nothing starts while Spring's ahead-of-time processing runs in the build.
 */
final class EmbeddedDatabaseStart implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseStart.class);
    static final String BEAN = "vitals.embeddedDatabaseStart";
    private static final Duration LEFTOVER_SHUTDOWN = Duration.ofSeconds(30);

    /** The started database with its watchdog. */
    record Started(EmbeddedPostgres postgres, Optional<PostmasterWatchdog> watchdog) {
        void close() {
            watchdog.ifPresent(PostmasterWatchdog::close);
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("Could not stop the embedded PostgreSQL: {}", e.toString());
            }
        }
    }

    private final CompletableFuture<Started> started = new CompletableFuture<>();
    private final AtomicBoolean taken = new AtomicBoolean();

    private EmbeddedDatabaseStart(DatabaseProperties properties) {
        Thread.ofPlatform().name("embedded-postgres-start").daemon().start(() -> {
            try {
                started.complete(start(properties));
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        });
    }

    /** Starts the embedded database in the background when the context will need one. */
    static final class Initializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            if (Boolean.getBoolean("spring.aot.processing")
                    || !(context.getBeanFactory() instanceof DefaultListableBeanFactory beans)
                    || beans.containsSingleton(BEAN)) {
                return;
            }
            Binder binder = Binder.get(context.getEnvironment());
            String url = binder.bind("spring.datasource.url", String.class).orElse("");
            if (!url.isBlank()) {
                return;
            }
            DatabaseProperties properties = binder.bind("vitals", DatabaseProperties.class)
                    .orElseGet(() -> new DatabaseProperties(null, new DatabaseProperties.EmbeddedDatabase(0, false, true),
                            new DatabaseProperties.Owner(null, null)));
            EmbeddedDatabaseStart start = new EmbeddedDatabaseStart(properties);
            beans.registerSingleton(BEAN, start);
            beans.registerDisposableBean(BEAN, start);
        }
    }

    /** The started database, now owned by the caller (waits for the start to finish; rethrows its failure). */
    Started take() {
        try {
            Started s = started.get();
            taken.set(true);
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while the embedded PostgreSQL started", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** A context that ends before its data source took the database stops it. */
    @Override
    public void destroy() {
        if (!taken.get()) {
            started.thenAccept(Started::close).exceptionally(e -> null).join();
        }
    }

    static Started start(DatabaseProperties properties) {
        Path dataDir = properties.dataDir();
        Path data = dataDir.resolve("pgdata");
        EmbeddedPostgres postgres;
        try {
            Path work = dataDir.resolve("pgwork");
            Files.createDirectories(work);
            log.info("Embedded PostgreSQL: found {}", LeftoverPostmaster.settle(data, LEFTOVER_SHUTDOWN));
            log.info("Starting embedded PostgreSQL with data in {}", data);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(properties.embeddedDatabase().fresh())
                    .setOverrideWorkingDirectory(work.toFile())
                    // Stopped by the context (after everything that uses it) or by the watchdog, never by a
                    // shutdown hook of its own racing the context's: a graceful stop finishes its writes.
                    .setRegisterShutdownHook(false);
            // A commit is on disk when it returns, as on a PostgreSQL server by default (the embedded library
            // turns both off, as for throw-away test databases): what Vitals recorded before acting on the
            // engine survives a crash of PostgreSQL or of the machine.
            String durable = properties.embeddedDatabase().durable() ? "on" : "off";
            builder.setServerConfig("fsync", durable).setServerConfig("synchronous_commit", durable);
            if (properties.embeddedDatabase().port() > 0) {
                builder.setPort(properties.embeddedDatabase().port());
            }
            postgres = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Embedded PostgreSQL could not start in " + dataDir
                    + " (set VITALS_DATABASE_URL to use a PostgreSQL server instead)", e);
        }
        Started s = new Started(postgres, PostmasterWatchdog.start(data));
        try {
            EmbeddedRoles.ensure(postgres.getPostgresDatabase());
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }
}
