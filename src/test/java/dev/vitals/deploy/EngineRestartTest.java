package dev.vitals.deploy;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient;
import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.PrivateDockerEngine;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.CatalogLoader;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.docker.DockerContainerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Docker engine restarted in the middle of a deploy, on an engine of the test's own (a second
 * dockerd), with Vitals as a separate process: the deployment ends, exactly one version serves, at most
 * one standby runs, nothing of the failed run is left, and the thread says what happened.
 */
@Tag("faults")
class EngineRestartTest {
    private final String env = TestCatalog.RUN + "-engine-restart";
    private final DockerContainerRuntime runtime = new DockerContainerRuntime();
    private PrivateDockerEngine engine;
    private VitalsProcess vitals;

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (vitals != null) {
                vitals.close();
            }
        } finally {
            runtime.close();
            if (engine != null) {
                engine.close();
            }
        }
    }

    @Test
    void engineRestartedWhileTheNewVersionWaitsForHealthEndsWithTheOldVersionAloneAndSaysSo() throws Exception {
        // given an engine of our own, and Vitals deploying to it with v1.3 live; a slow first health check
        // (20 s) leaves time to restart the engine while v1.4 waits for it (stopping the engine alone takes
        // about 10 s: the containers' httpd, PID 1, ignores SIGTERM and is killed after the grace period)
        engine = new PrivateDockerEngine("engine");
        engine.start();
        vitals = new VitalsProcess("engine-restart", """
                environments:
                  %1$s: {network: vitals-%1$s, engine: "%2$s"}
                services:
                  backend:
                    image: vitals-demo/backend
                    health: {interval: 20s, timeout: 10s, retries: 3, gate-timeout: 120s}
                policies: [{environment: %1$s, approvals: {}}]
                users:
                  alice: [deployer]
                deploy: {verify-stable: 1s}
                local-images:
                  - {image: "vitals-demo/backend:v1.3"}
                  - {image: "vitals-demo/backend:v1.4"}
                """.formatted(env, engine.endpoint()), Map.of("VITALS_RECONCILE_INTERVAL", "1s"));
        vitals.start();
        Catalog catalog = CatalogLoader.load(vitals.catalog());
        Catalog.Environment environment = catalog.environments().get(env);
        DeployDriver driver = new DeployDriver(new ConsoleClient(vitals.port()), runtime, catalog);
        await().atMost(Duration.ofMinutes(2)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(environment.engine(), i.ref()).isPresent()));
        driver.deployed("alice", "backend", "v1.3", env);

        // when the engine is stopped (SIGTERM) and started again while v1.4 waits for its health check
        String id = driver.request("alice", "/deploy backend v1.4 " + env);
        driver.awaitStep(id, "wait healthy", "RUNNING");
        engine.stop();
        engine.start();
        DeploymentView d = driver.awaitEnd(id);

        // then the deployment failed, v1.3 alone serves, nothing of v1.4 is left, and the thread says why
        assertThat(d.status()).as(d.detail()).isEqualTo("FAILED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3"));
        List<ContainerInfo> all = driver.all("backend", env);
        assertThat(all).hasSize(1);
        assertThat(all).noneMatch(c -> id.equals(c.labels().get(Labels.DEPLOYMENT)));
        // (whether the step saw the engine go away or its container restarted with it depends on timing;
        // either way the gate fails and the end names the version that serves)
        driver.awaitThreadContains(d, "🔴 " + id + " is FAILED: ");
        String thread = driver.threadText(d);
        assertThat(thread).contains("❌ wait healthy");
        assertThat(thread.lines().filter(l -> l.startsWith("🔴 " + id + " is FAILED: ")).findFirst().orElseThrow())
                .contains("v1.3").contains("backend");
        System.out.printf("engine restarted during wait healthy: %s ended %s: %s%n", id, d.status(), d.detail());
    }
}
