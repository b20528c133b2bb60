package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.DockerCli;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Vitals lets containers do on the engine, and what it does about containers that are not its own. */
class EngineHygieneTest extends VitalsIntegrationTest {
    private static final String LIMITS = "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}}"
            + " {{.HostConfig.PidsLimit}} {{json .HostConfig.SecurityOpt}}";

    private DeployDriver driver;

    @BeforeEach
    void driver() {
        driver = new DeployDriver(console, runtime, catalog);
    }

    @Test
    void aDeployedServiceAndItsHooksRunWithinTheCatalogsLimitsAndCannotGainPrivileges() {
        // given a service with limits of its own (96m, half a core, 64 processes) and one without
        String env = TestCatalog.stagingEnvironment();

        // when both are deployed (the limited one's snapshot hook checks its own limits from the inside)
        DeploymentView limited = driver.deployed("alice", "limited", "v1.4", env);
        driver.deployed("alice", "backend", "v1.4", env);

        // then the engine holds the catalog's limits and no-new-privileges on each, safe defaults where it is silent
        assertThat(limited.step("snapshot hook").status()).isEqualTo("SUCCEEDED");
        assertThat(DockerCli.run("docker", "inspect", "-f", LIMITS, driver.serving("limited", env).getFirst().id()))
                .isEqualTo("100663296 100663296 500000000 64 [\"no-new-privileges\"]");
        assertThat(DockerCli.run("docker", "inspect", "-f", LIMITS, driver.serving("backend", env).getFirst().id()))
                .isEqualTo("536870912 536870912 1000000000 256 [\"no-new-privileges\"]");
    }

    @Test
    void anUnmanagedContainerHoldingTheAliasIsShownByStatusAndRefusesDeployAndRollbackWithTheFix() {
        // given v1.4 live with v1.3 as hot standby, and a container made by hand that also answers as backend
        String env = TestCatalog.stagingEnvironment();
        String network = TestCatalog.network(env);
        driver.deployed("alice", "backend", "v1.3", env);
        driver.deployed("alice", "backend", "v1.4", env);
        String stray = "stray-backend-" + env;
        DockerCli.run("docker", "run", "-d", "--init", "--name", stray, "--network", network, "--network-alias",
                "backend", "vitals-demo/backend:v1.3");
        try {
            // when someone asks for the status, then the stray container is named with what to do about it
            // (as soon as the engine's events have told Vitals of the container)
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String status = console.ask("alice", "deploys", "/status " + env);
                assertThat(status).contains("• backend: v1.4, healthy, 1 container")
                        .contains("⚠️ an unmanaged container " + stray + " also answers as backend on " + network
                                + ": remove it (`docker rm -f " + stray + "`) or take it off the network"
                                + " (`docker network disconnect " + network + " " + stray + "`)");
                assertThat(status).doesNotContain("unmanaged container " + stray + " also answers as frontend");
            });

            // when a deploy is requested, then preflight refuses it with the fix and nothing new is started
            DeploymentView refused = driver.awaitEnd(driver.request("alice", "/deploy backend v1.5 " + env));
            assertThat(refused.status()).isEqualTo("FAILED");
            assertThat(refused.step("preflight").status()).isEqualTo("FAILED");
            assertThat(refused.step("preflight").detail()).isEqualTo("an unmanaged container " + stray
                    + " also answers as backend on " + network + "; clients would reach it beside v1.5. Remove it"
                    + " (`docker rm -f " + stray + "`) or take it off the network (`docker network disconnect "
                    + network + " " + stray + "`), then request the deployment again.");
            assertThat(driver.all("backend", env)).extracting(c -> c.labels().get(Labels.VERSION))
                    .containsExactlyInAnyOrder("v1.3", "v1.4");

            // and so is a rollback to the hot standby
            DeploymentView back = driver.awaitEnd(driver.request("bob", "/rollback backend " + env));
            assertThat(back.status()).isEqualTo("FAILED");
            assertThat(back.step("preflight").detail()).contains("an unmanaged container " + stray)
                    .endsWith("then request the rollback again.");
            assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4");

            // when it is taken off the network as advised, then status is clean and deploys go through again
            DockerCli.run("docker", "network", "disconnect", network, stray);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(console.ask("alice", "deploys", "/status " + env)).doesNotContain("unmanaged"));
            assertThat(driver.deployed("alice", "backend", "v1.5", env).step("preflight").status())
                    .isEqualTo("SUCCEEDED");
        } finally {
            DockerCli.run("docker", "rm", "-f", stray);
        }
    }
}
