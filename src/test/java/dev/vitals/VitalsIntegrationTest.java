package dev.vitals;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.vitals.catalog.Catalog;
import dev.vitals.deploy.ContainerRuntime;
import dev.vitals.deploy.EngineUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole application against real components: an embedded PostgreSQL of its own, the local Docker
 * engine, and the local console as chat. Every test takes environments of its own from {@link TestCatalog}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class VitalsIntegrationTest {

    @LocalServerPort
    protected int port;
    @Autowired
    protected Catalog catalog;
    @Autowired
    protected ContainerRuntime runtime;

    protected ConsoleClient console;

    @DynamicPropertySource
    static void vitals(DynamicPropertyRegistry registry) {
        registry.add("vitals.catalog", () -> TestCatalog.file().toAbsolutePath().toString());
        // A test class with a context of its own (other settings) names another home in vitals.test.home,
        // so that context has an embedded PostgreSQL of its own beside the shared one.
        registry.add("vitals.data-dir", () -> "${vitals.test.home:"
                + Path.of("target", "test-" + TestCatalog.RUN, "home").toAbsolutePath() + "}");
        registry.add("vitals.embedded-database.fresh", () -> "true");
        // A throw-away database: commits need not wait for the disk, except in the benchmarks (-Pbench), which
        // measure Vitals as shipped (EmbeddedDatabaseDurabilityTest checks the shipped setting).
        registry.add("vitals.embedded-database.durable", () -> "${vitals.test.durable-database:false}");
        // Faster than shipped, so tests wait less; a benchmark sets vitals.test.* to measure the shipped ones.
        registry.add("vitals.scheduler-interval", () -> "${vitals.test.scheduler-interval:1s}");
        registry.add("vitals.reconcile-interval", () -> "${vitals.test.reconcile-interval:1s}");
        registry.add("vitals.event-retry-interval", () -> "${vitals.test.event-retry-interval:2s}");
        // At the end of the run every cached context closes; nothing of a test is left to finish by then.
        registry.add("spring.lifecycle.timeout-per-shutdown-phase", () -> "5s");
    }

    @AfterAll
    static void giveBackEnvironments() {
        TestCatalog.releaseEnvironments();
    }

    @BeforeEach
    void realEngineAndImages() {
        var engine = catalog.environments().get(TestCatalog.RUN + "-s1").engine();
        try {
            runtime.ping(engine);
        } catch (EngineUnavailableException e) {
            fail("These tests need a real Docker engine (deploy/local/test.sh starts one): " + e.getMessage(), e);
        }
        // The images are built in the background at start; wait for them rather than race them.
        await().atMost(Duration.ofMinutes(2)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(engine, i.ref()).isPresent()));
        console = new ConsoleClient(port);
    }
}
