package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient;
import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.CatalogLoader;
import dev.vitals.docker.DockerContainerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Vitals as a separate process, killed with SIGKILL in the middle of a deployment and started again
 * on the same database: it must end with exactly one live version and say so in the thread.
 */
class CrashRecoveryTest {
    private final String env = TestCatalog.RUN + "-crash";
    private final DockerContainerRuntime runtime = new DockerContainerRuntime();
    private VitalsProcess vitals;

    @AfterEach
    void cleanUp() throws Exception {
        if (vitals != null) {
            vitals.close();
        }
        TestCatalog.removeEnvironment(env);
        runtime.close();
    }

    @Test
    void killedInTheHealthGateItResumesAndKilledHalfWayThroughTheSwitchItPutsBackWhatServed() throws Exception {
        // given Vitals running with v1.3 live; a slow first health check (5 s) leaves time to kill it
        vitals = new VitalsProcess("crash", """
                environments:
                  %1$s: {network: vitals-%1$s}
                services:
                  backend:
                    image: vitals-demo/backend
                    health: {interval: 5s, timeout: 2s, retries: 2, gate-timeout: 40s}
                users:
                  alice: [deployer]
                policies: [{environment: %1$s, approvals: {}}]
                deploy: {verify-stable: 2s}
                local-images:
                  - {image: "vitals-demo/backend:v1.3"}
                  - {image: "vitals-demo/backend:v1.4"}
                  - {image: "vitals-demo/backend:v1.5"}
                """.formatted(env), Map.of());
        vitals.start();
        DeployDriver driver = driver();
        driver.deployed("alice", "backend", "v1.3", env);

        // when it is killed (SIGKILL) while v1.4 waits for its health check
        String id = driver.request("alice", "/deploy backend v1.4 " + env);
        driver.awaitStep(id, "wait healthy", "RUNNING");
        vitals.kill();
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3");

        // and started again on the same database
        vitals.start();
        DeploymentView d = driver.awaitEnd(id);

        // then the new container was still there, so the deployment resumed its gate and v1.4 alone serves
        assertThat(d.status()).as(d.detail()).isEqualTo("SUCCEEDED");
        assertThat(driver.serving("backend", env)).hasSize(1);
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4");
        driver.awaitThreadContains(d, "Vitals restarted while " + id + " was in wait healthy");
        assertThat(driver.threadText(d)).contains("the pipeline resumes at wait healthy");
        assertThat(driver.all("backend", env)).filteredOn(c -> c.running()).hasSizeLessThanOrEqualTo(2);

        // when, deploying v1.5, it is killed half-way through the switch (both versions hold the alias)
        vitals.kill();
        vitals.start(Map.of("VITALS_FAULT_INJECTION_PAUSE_AT", "backend/switch traffic:mid"));
        String back = driver.request("alice", "/deploy backend v1.5 " + env);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() ->
                driver.threadText(driver.get(back)).contains("⏸ fault injection: paused at switch traffic:mid"));
        assertThat(driver.servingVersions("backend", env)).containsExactlyInAnyOrder("v1.4", "v1.5");
        vitals.kill();
        vitals.start();
        DeploymentView r = driver.awaitEnd(back);

        // then the half-made move is reversed: v1.4 alone serves, the new container is gone, and it says so
        assertThat(r.status()).as(r.detail()).isEqualTo("ROLLED_BACK");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4");
        assertThat(driver.all("backend", env)).noneMatch(c -> back.equals(c.labels().get(Labels.DEPLOYMENT)));
        driver.awaitThreadContains(r, "Vitals restarted while " + back + " was in switch traffic");
        assertThat(driver.threadText(r)).contains("1 half-made").contains("v1.4 serves backend again");
    }

    @Test
    void theHotStandbyIsStoppedAfterItsPeriodAndOnlyTheLastKeptContainersRemain() throws Exception {
        // given a 2 s hot standby and one stopped container kept
        vitals = new VitalsProcess("standby", """
                environments:
                  %1$s: {network: vitals-%1$s}
                services:
                  backend:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 2s, retries: 2, gate-timeout: 20s}
                users:
                  alice: [deployer]
                policies: [{environment: %1$s, approvals: {}}]
                deploy: {verify-stable: 1s, hot-standby: 2s, keep-stopped: 1}
                local-images:
                  - {image: "vitals-demo/backend:v1.3"}
                  - {image: "vitals-demo/backend:v1.4"}
                  - {image: "vitals-demo/backend:v1.5"}
                """.formatted(env), Map.of("VITALS_SCHEDULER_INTERVAL", "500ms"));
        vitals.start();
        DeployDriver driver = driver();
        DeploymentView first = driver.deployed("alice", "backend", "v1.3", env);
        DeploymentView second = driver.deployed("alice", "backend", "v1.4", env);

        // when the standby period is over, v1.3 is stopped but kept, and the thread says so
        await().atMost(Duration.ofSeconds(20)).until(() -> containerOf(driver, first).map(c -> !c.running()).orElse(false));
        driver.awaitThreadContains(second, "💤 hot standby");

        // and after two more deployments only the newest stopped container is kept
        DeploymentView third = driver.deployed("alice", "backend", "v1.5", env);
        await().atMost(Duration.ofSeconds(20)).until(() -> containerOf(driver, second).map(c -> !c.running()).orElse(false));
        driver.deployed("alice", "backend", "v1.3", env);
        await().atMost(Duration.ofSeconds(20)).until(() -> containerOf(driver, third).map(c -> !c.running()).orElse(false));
        assertThat(containerOf(driver, first)).isEmpty();
        assertThat(containerOf(driver, second)).hasValueSatisfying(c -> assertThat(c.running()).isFalse());
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3");
    }

    private DeployDriver driver() {
        Catalog catalog = CatalogLoader.load(vitals.catalog());
        DeployDriver driver = new DeployDriver(new ConsoleClient(vitals.port()), runtime, catalog);
        await().atMost(Duration.ofMinutes(1)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(catalog.environments().get(env).engine(), i.ref()).isPresent()));
        return driver;
    }

    private static java.util.Optional<ContainerRuntime.ContainerInfo> containerOf(DeployDriver driver, DeploymentView d) {
        return driver.all("backend", d.environment()).stream()
                .filter(c -> d.id().equals(c.labels().get(Labels.DEPLOYMENT))).findFirst();
    }
}
