package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.DeployDriver;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import dev.vitals.docker.DockerContainerRuntime;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /status} answers from the engine state Vitals keeps current by the engine's events: what changes on
 * the engine shows within moments, and an engine out of reach is named with its last known state.
 */
class StatusFromEngineStateTest extends VitalsIntegrationTest {
    private DeployDriver driver;

    @BeforeEach
    void driver() {
        driver = new DeployDriver(console, runtime, catalog);
    }

    @Test
    void aContainerStoppedBehindVitalsBackAndADeployShowInStatusAsTheEngineReportsThem() {
        // given backend v1.4 live, as /status shows it
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "backend", "v1.4", env);
        assertThat(status(env)).contains("• backend: v1.4, healthy, 1 container");

        // when someone stops the live container by hand, then /status shows it gone well within the refresh period
        try (DockerContainerRuntime byHand = new DockerContainerRuntime()) {
            var engine = catalog.environments().get(env).engine();
            byHand.stop(engine, driver.serving("backend", env).getFirst().id(), Duration.ZERO);
        }
        await().atMost(Duration.ofSeconds(4)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(status(env)).contains("• backend: nothing live yet"));

        // and when v1.5 is deployed, the answer right after the deployment ends already shows it
        driver.deployed("alice", "backend", "v1.5", env);
        assertThat(status(env)).contains("• backend: v1.5, healthy, 1 container");
    }

    @Test
    void anEngineOutOfReachIsNamedWithItsLastKnownStateAndAnsweringAgainClearsIt() {
        // given an environment whose engine answers, as /status shows it
        String env = TestCatalog.flakyEnvironment();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(status(env)).contains("(Docker ")
                .contains("• backend: ").doesNotContain("engine unreachable"));
        try {
            // when the line to the engine is cut
            TestCatalog.flakyEngine().cut();

            // then within the refresh period /status says so, since when and why, over the last known state
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> assertThat(status(env))
                            .contains("**" + env + "**: engine unreachable since ")
                            .contains(TestCatalog.flakyEngine().endpoint())
                            .contains("Last known state (Docker ")
                            .contains("• backend: ").contains("• frontend: "));
        } finally {
            TestCatalog.flakyEngine().restore();
        }

        // and once it answers again, the warning is gone
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(status(env)).contains("(Docker ").doesNotContain("engine unreachable"));
    }

    private String status(String env) {
        return console.ask("dave", "deploys", "/status " + env);
    }
}
