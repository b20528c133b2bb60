package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.DockerCli;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

class DeployFaultsTest extends VitalsIntegrationTest {
    private DeployDriver driver;

    @BeforeEach
    void driver() {
        driver = new DeployDriver(console, runtime, catalog);
    }

    @Test
    void anEngineThatDoesNotAnswerIsReportedByStatusAndRefusesDeploys() {
        String dead = TestCatalog.deadEnvironment();
        assertThat(console.ask("alice", "deploys", "/status " + dead))
                .contains("engine unreachable").contains("unix:///nonexistent/docker.sock");
        assertThat(console.ask("alice", "deploys", "/deploy backend v1.4 " + dead))
                .contains("does not answer").contains("Nothing was requested");
        assertThat(console.ask("alice", "deploys", "/status " + TestCatalog.stagingEnvironment()))
                .contains("nothing live yet");
    }

    @Test
    void anEngineLostMidDeployEndsSafelyOnceItAnswersAgainWithTheOldVersionServingAlone() {
        // given v1.3 live in an environment whose engine we can cut off
        String env = TestCatalog.flakyEnvironment();
        driver.deployed("alice", "backend", "v1.3", env);

        // when the engine stops answering while v1.4 waits for health
        String id = driver.request("alice", "/deploy backend v1.4 " + env);
        driver.awaitStep(id, "wait healthy", "RUNNING");
        TestCatalog.flakyEngine().cut();
        DeploymentView during;
        try {
            // then the thread says so, and the deployment keeps its lock rather than claiming an outcome
            during = driver.get(id);
            driver.awaitThreadContains(during, "does not answer");
            driver.awaitThreadContains(during, "stays RUNNING");
            assertThat(driver.get(id).status()).isEqualTo("RUNNING");
            assertThat(console.ask("bob", "deploys", "/deploy backend v1.5 " + env)).contains("does not answer");
        } finally {
            TestCatalog.flakyEngine().restore();
        }

        // and once it answers again, the half-started v1.4 is removed and v1.3 serves alone
        DeploymentView d = driver.awaitEnd(id);
        assertThat(d.status()).isEqualTo("FAILED");
        assertThat(d.detail()).contains("the engine was lost during wait healthy").contains("v1.3 serves backend alone, as before");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3");
        assertThat(driver.all("backend", env)).noneMatch(c -> id.equals(c.labels().get(Labels.DEPLOYMENT)));
        driver.awaitThreadContains(d, "The engine answers again");
    }

    @Test
    void aNewContainerThatDiesDuringTheHealthGateFailsTheDeploymentAndTheOldOneKeepsServing() {
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "backend", "v1.3", env);
        String id = driver.request("alice", "/deploy backend v1.4 " + env);
        driver.awaitStep(id, "start new", "SUCCEEDED");
        driver.all("backend", env).stream().filter(c -> id.equals(c.labels().get(Labels.DEPLOYMENT)))
                .forEach(c -> DockerCli.run("docker", "kill", c.id()));
        DeploymentView d = driver.awaitEnd(id);
        assertThat(d.status()).isIn("FAILED", "SUCCEEDED");
        if (d.status().equals("FAILED")) {
            assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3");
            assertThat(driver.all("backend", env)).noneMatch(c -> id.equals(c.labels().get(Labels.DEPLOYMENT)));
        } else {
            // The container can become healthy before the kill lands; then the restart policy brings it back.
            assertThat(driver.serving("backend", env)).hasSize(1);
        }
    }

    @Test
    void cancelBeforeTheSwitchRemovesTheNewContainerAndLeavesTheOldOne() {
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "backend", "v1.3", env);
        String id = driver.request("alice", "/deploy backend v1.6-broken " + env);
        driver.awaitStep(id, "preflight", "SUCCEEDED");
        assertThat(console.ask("dave", "deploys", "/cancel " + id)).contains("dave may not use /cancel");
        String reply = console.ask("alice", "deploys", "/cancel " + id);
        DeploymentView d = driver.awaitEnd(id);
        assertThat(reply).satisfiesAnyOf(r -> assertThat(r).contains("Cancelling " + id),
                r -> assertThat(r).contains("already ended"));
        assertThat(d.status()).isIn("CANCELLED", "FAILED");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3");
        assertThat(driver.all("backend", env)).noneMatch(c -> id.equals(c.labels().get(Labels.DEPLOYMENT)));
    }

    @Test
    void aScheduledDeploymentWaitsForItsTime() {
        String env = TestCatalog.stagingEnvironment();
        String id = driver.request("alice", "/deploy backend v1.4 " + env + " at:+3s reason:\"night window\"");
        assertThat(driver.get(id).status()).isEqualTo("SCHEDULED");
        assertThat(driver.get(id).reason()).isEqualTo("night window");
        DeploymentView d = driver.awaitEnd(id);
        assertThat(d.status()).isEqualTo("SUCCEEDED");
        assertThat(d.step("preflight").startedAt()).isAfterOrEqualTo(d.createdAt().plusSeconds(3));
    }

    @Test
    void rollbackWithoutAKeptContainerRedeploysThePreviousDigest() {
        String env = TestCatalog.stagingEnvironment();
        DeploymentView first = driver.deployed("alice", "backend", "v1.3", env);
        driver.deployed("alice", "backend", "v1.4", env);
        driver.all("backend", env).stream().filter(c -> first.id().equals(c.labels().get(Labels.DEPLOYMENT)))
                .forEach(c -> DockerCli.run("docker", "rm", "-f", c.id()));
        DeploymentView r = driver.awaitEnd(driver.request("bob", "/rollback backend " + env));
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(r.imageDigest()).isEqualTo(first.imageDigest());
        assertThat(r.steps()).extracting(DeployDriver.Step::name).contains("start new", "wait healthy", "switch traffic");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.3");
    }

    @Test
    void theDeploymentsApiFiltersByServiceEnvironmentAndStatus() {
        String env = TestCatalog.stagingEnvironment();
        DeploymentView ok = driver.deployed("alice", "backend", "v1.4", env);
        DeploymentView bad = driver.awaitEnd(driver.request("alice", "/deploy backend v1.6-broken " + env));
        List<DeployDriver.DeploymentView> failed = console.read(
                console.get("/api/deployments?service=backend&environment=" + env + "&status=FAILED").body(),
                new TypeReference<>() { });
        assertThat(failed).extracting(DeploymentView::id).containsExactly(bad.id());
        assertThat(ok.imageDigest()).startsWith("sha256:");
        assertThat(ok.threadId()).isNotBlank();
        assertThat(ok.risk()).isEqualTo("medium");
        assertThat(ok.strategy()).isEqualTo("blue-green");
        assertThat(ok.requestedBy()).isEqualTo("alice");
        assertThat(ok.steps()).allSatisfy(s -> assertThat(s.finishedAt()).isAfterOrEqualTo(s.startedAt()));
        assertThat(console.get("/api/deployments?status=NOPE").status()).isEqualTo(400);
        assertThat(console.get("/api/deployments/D-999999").status()).isEqualTo(404);
    }
}
