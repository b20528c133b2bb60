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
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.docker.DockerContainerRuntime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped for 10 s in the middle of a deploy, with Vitals as a separate process: commands
 * typed during the outage are answered with an error that says so (none is taken and then lost), and
 * once the database is back the deployment ends with exactly one live version and a thread that says
 * what happened.
 */
@Tag("faults")
class DatabaseOutageTest {
    private static final Duration OUTAGE = Duration.ofSeconds(10);
    private final String env = TestCatalog.RUN + "-db-outage";
    private final DockerContainerRuntime runtime = new DockerContainerRuntime();
    private VitalsProcess vitals;

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (vitals != null) {
                vitals.close();
            }
        } finally {
            TestCatalog.removeEnvironment(env);
            runtime.close();
        }
    }

    @Test
    void databaseStoppedForTenSecondsDuringADeployRefusesCommandsMeanwhileAndTheDeploymentEndsWithOneLiveVersion()
            throws Exception {
        // given Vitals on a PostgreSQL of its own with v1.3 live, deploying v1.4 whose stability check lasts 20 s
        vitals = new VitalsProcess("db-outage", """
                environments:
                  %1$s: {network: vitals-%1$s}
                services:
                  backend:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 60s}
                policies: [{environment: %1$s, approvals: {}}]
                users:
                  alice: [deployer]
                deploy: {verify-stable: 20s}
                local-images:
                  - {image: "vitals-demo/backend:v1.3"}
                  - {image: "vitals-demo/backend:v1.4"}
                  - {image: "vitals-demo/backend:v1.5"}
                """.formatted(env), Map.of("VITALS_RECONCILE_INTERVAL", "1s"));
        vitals.start();
        Catalog catalog = CatalogLoader.load(vitals.catalog());
        Catalog.Environment environment = catalog.environments().get(env);
        ConsoleClient console = new ConsoleClient(vitals.port());
        DeployDriver driver = new DeployDriver(console, runtime, catalog);
        await().atMost(Duration.ofMinutes(2)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(environment.engine(), i.ref()).isPresent()));
        // the first deploy of v1.3 also waits 20 s for stability
        driver.deployed("alice", "backend", "v1.3", env);
        String id = driver.request("alice", "/deploy backend v1.4 " + env);
        driver.awaitStep(id, "verify stable", "RUNNING");

        // when PostgreSQL is stopped for 10 s, and alice types two commands meanwhile
        long down = System.nanoTime();
        vitals.stopDatabase();
        ConsoleClient.Response status = console.send("POST", "/console/api/messages",
                Map.of("user", "alice", "channel", "deploys", "text", "/status " + env));
        ConsoleClient.Response deploy = console.send("POST", "/console/api/messages",
                Map.of("user", "alice", "channel", "deploys", "text", "/deploy backend v1.5 " + env));
        long answered = System.nanoTime();
        // the database stays down for the whole outage, however quickly the commands were answered
        await().pollDelay(OUTAGE.minus(Duration.ofNanos(answered - down)).isNegative() ? Duration.ZERO
                : OUTAGE.minus(Duration.ofNanos(answered - down))).atMost(OUTAGE.plusSeconds(5)).until(() -> true);
        vitals.startDatabase();
        DeploymentView d = driver.awaitEnd(id);

        // then both commands were refused with a reply that says why, and nothing of them was taken
        System.out.printf("database outage: commands answered %d and %d within %d ms: %s%n", status.status(),
                deploy.status(), Duration.ofNanos(answered - down).toMillis(), deploy.body());
        assertThat(status.status()).isEqualTo(503);
        assertThat(deploy.status()).isEqualTo(503);
        assertThat(deploy.body()).contains("database").contains("nothing was done");
        // and the deployment ended: v1.4 alone serves, at most one standby runs, and the thread says so
        System.out.printf("database outage during verify stable: %s ended %s: %s%n", id, d.status(), d.detail());
        assertThat(d.status()).as(d.detail()).isEqualTo("SUCCEEDED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4"));
        List<ContainerInfo> running = driver.all("backend", env).stream().filter(ContainerInfo::running).toList();
        assertThat(running).hasSize(2);
        assertThat(driver.all("backend", env)).noneMatch(c -> "v1.5".equals(c.labels().get(Labels.VERSION)));
        assertThat(console.get("/api/deployments").body()).doesNotContain("\"v1.5\"");
    }
}
