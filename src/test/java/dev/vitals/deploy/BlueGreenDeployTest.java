package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.DockerCli;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlueGreenDeployTest extends VitalsIntegrationTest {
    private DeployDriver driver;

    @BeforeEach
    void driver() {
        driver = new DeployDriver(console, runtime, catalog);
    }

    @Test
    void switchesFromV13ToV14WithoutAFailedRequestSeenByAClientOnTheNetwork() {
        // given v1.3 live and a client on the network asking /version every 50 ms (5 s timeout per request)
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "backend", "v1.3", env);
        String probe = "probe-" + env;
        DockerCli.run("docker", "run", "-d", "--init", "--name", probe, "--network", TestCatalog.network(env),
                "--label", "vitals.environment=" + env, "--entrypoint", "/bin/busybox", "vitals-demo/backend:v1.3",
                "sh", "-c", "while true; do if v=$(/bin/busybox timeout 5 wget -q -O- http://backend:8080/version 2>&1);"
                        + " then echo \"ok $v\"; else echo \"FAIL $v\"; fi; sleep 0.05; done");
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> DockerCli.run("docker", "logs", probe).contains("ok v1.3"));

            // when v1.4 is deployed
            DeploymentView d = driver.deployed("alice", "backend", "v1.4", env);
            await().atMost(Duration.ofSeconds(30)).until(() -> DockerCli.run("docker", "logs", probe)
                    .lines().filter(l -> l.equals("ok v1.4") || l.startsWith("FAIL")).count() >= 10);

            // then the client never saw a failure, and v1.4 alone serves
            List<String> log = Arrays.asList(DockerCli.run("docker", "logs", probe).split("\n"));
            assertThat(log).filteredOn(l -> l.startsWith("FAIL")).isEmpty();
            assertThat(log).contains("ok v1.3", "ok v1.4");
            assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4");
            assertThat(driver.serving("backend", env)).hasSize(1);
            assertThat(d.steps()).extracting(DeployDriver.Step::name).containsExactly("preflight", "snapshot hook",
                    "migration hook", "start new", "wait healthy", "smoke hook", "switch traffic", "verify stable",
                    "retire old");
            assertThat(d.previousVersion()).isEqualTo("v1.3");
            System.out.printf("blue-green v1.3 → v1.4: %d probe requests, 0 failed; switch step %d ms%n", log.size(),
                    d.step("switch traffic").took().toMillis());

            // and the same holds for two more switches: on to v1.5, and a rollback to v1.4 from the hot standby
            driver.deployed("alice", "backend", "v1.5", env);
            DeploymentView back = driver.awaitEnd(driver.request("bob", "/rollback backend " + env));
            assertThat(back.status()).isEqualTo("SUCCEEDED");
            int before = log.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> DockerCli.run("docker", "logs", probe)
                    .lines().skip(before).filter(l -> l.equals("ok v1.4") || l.startsWith("FAIL")).count() >= 10);
            List<String> all = Arrays.asList(DockerCli.run("docker", "logs", probe).split("\n"));
            assertThat(all).filteredOn(l -> l.startsWith("FAIL")).isEmpty();
            assertThat(all).contains("ok v1.5");
            assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4");
            System.out.printf("blue-green, three switches: %d probe requests, 0 failed%n", all.size());
        } finally {
            DockerCli.run("docker", "rm", "-f", probe);
        }
    }

    @Test
    void aVersionThatNeverBecomesHealthyEndsFailedWithTheOldVersionServingAlone() {
        // given v1.4 live
        String env = TestCatalog.stagingEnvironment();
        DeploymentView before = driver.deployed("alice", "backend", "v1.4", env);

        // when v1.6-broken is deployed
        DeploymentView d = driver.awaitEnd(driver.request("alice", "/deploy backend v1.6-broken " + env));

        // then it failed at the health gate, its container is gone, and v1.4 serves alone
        assertThat(d.status()).isEqualTo("FAILED");
        assertThat(d.step("wait healthy").status()).isEqualTo("FAILED");
        assertThat(d.step("wait healthy").detail()).contains("unhealthy");
        assertThat(d.detail()).contains("v1.4 is serving backend as before");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4");
        assertThat(driver.all("backend", env)).noneMatch(c -> d.id().equals(c.labels().get(Labels.DEPLOYMENT)));
        assertThat(driver.serving("backend", env)).singleElement()
                .satisfies(c -> assertThat(c.labels().get(Labels.DEPLOYMENT)).isEqualTo(before.id()));
        driver.awaitThreadContains(d, "is FAILED");
        assertThat(driver.threadText(d)).contains("health of").contains("wait healthy");
    }

    @Test
    void rollbackWithinTheHotStandbyIsASwitchBackOnly() {
        // given v1.3 then v1.4 deployed (v1.3 kept running off the traffic path)
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "backend", "v1.3", env);
        driver.deployed("alice", "backend", "v1.4", env);
        assertThat(driver.all("backend", env)).filteredOn(c -> c.running()).hasSize(2);

        // when bob rolls back
        DeploymentView r = driver.awaitEnd(driver.request("bob", "/rollback backend " + env));

        // then it switched back to the standby without starting anything
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(r.kind()).isEqualTo("rollback");
        assertThat(r.steps()).extracting(DeployDriver.Step::name).containsExactly("preflight", "switch traffic",
                "verify stable", "retire old");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3");
        assertThat(driver.serving("backend", env)).hasSize(1);
        // (how long the switch takes is measured by the bench profile's rollback benchmark, not asserted here)
        System.out.printf("rollback from hot standby: switch %d ms%n", r.step("switch traffic").took().toMillis());
    }

    @Test
    void rollbackToAStoppedKeptContainerStartsItGatesOnHealthAndSwitches() {
        // given v1.3 then v1.4 deployed, and v1.3's standby period over (its container stopped)
        String env = TestCatalog.stagingEnvironment();
        DeploymentView first = driver.deployed("alice", "backend", "v1.3", env);
        driver.deployed("alice", "backend", "v1.4", env);
        String kept = driver.all("backend", env).stream()
                .filter(c -> first.id().equals(c.labels().get(Labels.DEPLOYMENT))).findFirst().orElseThrow().id();
        DockerCli.run("docker", "stop", kept);

        // when bob rolls back to v1.3
        DeploymentView r = driver.awaitEnd(driver.request("bob", "/rollback backend " + env + " to:v1.3"));

        // then the kept container was started, gated and switched to
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(r.steps()).extracting(DeployDriver.Step::name).startsWith("preflight", "start kept",
                "wait healthy", "switch traffic");
        assertThat(driver.serving("backend", env)).singleElement().satisfies(c -> assertThat(c.id()).isEqualTo(kept));
        Duration work = Duration.between(r.step("start kept").startedAt(), r.step("switch traffic").finishedAt());
        System.out.printf("rollback from a stopped kept container: start + health + switch %d ms%n", work.toMillis());
    }

    @Test
    void aSecondDeployWhileOneRunsIsRefusedNamingTheRunningOne() {
        // given a deployment in progress
        String env = TestCatalog.stagingEnvironment();
        String first = driver.request("alice", "/deploy backend v1.3 " + env);

        // when another deploy of the same service and environment is requested
        String reply = console.ask("bob", "deploys", "/deploy backend v1.4 " + env);

        // then it is refused, naming the running one, and the first completes alone
        assertThat(reply).contains("is being deployed by " + first).contains("/cancel " + first);
        assertThat(driver.awaitEnd(first).status()).isEqualTo("SUCCEEDED");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3");
    }

    @Test
    void unknownVersionIsRefusedListingTheVersionsThere() {
        String env = TestCatalog.stagingEnvironment();
        String reply = console.ask("alice", "deploys", "/deploy backend v9.9 " + env);
        assertThat(reply).contains("vitals-demo/backend:v9.9 is not on the engine").contains("v1.3").contains("v1.4");
        assertThat(driver.all("backend", env)).isEmpty();
    }
}
