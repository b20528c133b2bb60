package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import dev.vitals.catalog.Catalog;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StrategiesAndHooksTest extends VitalsIntegrationTest {
    private DeployDriver driver;

    @BeforeEach
    void driver() {
        driver = new DeployDriver(console, runtime, catalog);
    }

    @Test
    void rollingUpdateNeverDropsBelowOneHealthyServingReplica() throws Exception {
        // given frontend v2.0 on 2 replicas
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "frontend", "v2.0", env);
        assertThat(driver.serving("frontend", env)).hasSize(2);
        Catalog.Environment e = catalog.environments().get(env);

        // when v2.1 rolls out while we count healthy serving replicas every 50 ms
        AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger samples = new AtomicInteger();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            List<ContainerInfo> all = runtime.containers(e.engine(), Map.of(Labels.SERVICE, "frontend",
                    Labels.ENVIRONMENT, env));
            long healthyServing = all.stream().filter(c -> c.servesAs(e.network(), "frontend")
                    && c.health() == ContainerRuntime.Health.HEALTHY).count();
            lowest.accumulateAndGet((int) healthyServing, Math::min);
            samples.incrementAndGet();
        }, 0, 50, TimeUnit.MILLISECONDS);
        DeploymentView d;
        try {
            d = driver.deployed("alice", "frontend", "v2.1", env);
        } finally {
            sampler.shutdown();
            sampler.awaitTermination(10, TimeUnit.SECONDS);
        }

        // then at least one healthy replica served at every sample, and 2 of v2.1 serve now
        assertThat(samples.get()).isGreaterThan(10);
        assertThat(lowest.get()).isGreaterThanOrEqualTo(1);
        assertThat(d.steps()).extracting(DeployDriver.Step::name).contains("replace replica 1/2", "replace replica 2/2");
        assertThat(driver.servingVersions("frontend", env)).containsExactly("v2.1");
        assertThat(driver.serving("frontend", env)).hasSize(2);
        System.out.printf("rolling frontend v2.0 → v2.1: %d samples, lowest healthy serving replicas %d%n",
                samples.get(), lowest.get());
    }

    @Test
    void rollingUpdateToABrokenVersionPutsTheOldReplicasBack() {
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "frontend", "v2.0", env);
        List<String> before = driver.serving("frontend", env).stream().map(ContainerInfo::id).sorted().toList();
        DockerTag tag = DockerTag.of("vitals-demo/frontend", "v2.0", "vitals-demo/backend:v1.6-broken", env);
        try {
            DeploymentView d = driver.awaitEnd(driver.request("alice", "/deploy frontend " + tag.tag() + " " + env));
            assertThat(d.status()).isIn("FAILED", "ROLLED_BACK");
            assertThat(driver.serving("frontend", env).stream().map(ContainerInfo::id).sorted().toList())
                    .isEqualTo(before);
            assertThat(driver.all("frontend", env)).noneMatch(c -> d.id().equals(c.labels().get(Labels.DEPLOYMENT)));
        } finally {
            tag.remove();
        }
    }

    @Test
    void recreateIsRefusedOutsideAMaintenanceWindowAndTouchesNothing() {
        String env = TestCatalog.stagingEnvironment();
        DeploymentView d = driver.awaitEnd(driver.request("alice", "/deploy legacy v1.4 " + env));
        assertThat(d.status()).isEqualTo("FAILED");
        assertThat(d.steps()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("preflight");
            assertThat(s.detail()).contains("maintenance window").contains("/maintenance start");
        });
        assertThat(driver.all("legacy", env)).isEmpty();
    }

    @Test
    void aMigrationHookThatExitsOneAbortsBeforeTheSwitch() {
        // given hooked v1.4 live (its migration hook fails for v1.5 only)
        String env = TestCatalog.stagingEnvironment();
        DeploymentView good = driver.deployed("alice", "hooked", "v1.4", env);
        assertThat(good.step("migration hook").detail()).contains("exited 0");

        // when v1.5 is deployed
        DeploymentView d = driver.awaitEnd(driver.request("alice", "/deploy hooked v1.5 " + env));

        // then it failed at the migration, nothing new was started, v1.4 serves alone, no hook container is left
        assertThat(d.status()).isEqualTo("FAILED");
        assertThat(d.step("migration hook").status()).isEqualTo("FAILED");
        assertThat(d.step("migration hook").detail()).contains("exited 1").contains("its output is in the thread")
                .doesNotContain("relation exists");
        driver.awaitThreadContains(d, "relation exists");
        assertThat(d.steps()).extracting(DeployDriver.Step::name).doesNotContain("start new", "switch traffic");
        assertThat(driver.servingVersions("hooked", env)).containsExactly("v1.4");
        assertThat(driver.all("hooked", env)).noneMatch(c -> d.id().equals(c.labels().get(Labels.DEPLOYMENT)));
    }

    @Test
    void aHookThatHangsIsStoppedAtItsTimeoutAndLeavesNothingBehind() {
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "stuck", "v1.4", env);
        DeploymentView d = driver.awaitEnd(driver.request("alice", "/deploy stuck v1.5 " + env));
        assertThat(d.status()).isEqualTo("FAILED");
        assertThat(d.step("snapshot hook").detail()).contains("snapshot hook did not finish within");
        assertThat(driver.servingVersions("stuck", env)).containsExactly("v1.4");
        assertThat(driver.all("stuck", env)).noneMatch(c -> d.id().equals(c.labels().get(Labels.DEPLOYMENT)));
    }

    @Test
    void snapshotAndSmokeHooksRunAgainstTheNewVersionBeforeTheSwitch() {
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "smoked", "v1.3", env);
        DeploymentView d = driver.deployed("alice", "smoked", "v1.4", env);
        assertThat(d.step("snapshot hook").status()).isEqualTo("SUCCEEDED");
        assertThat(d.step("smoke hook").status()).isEqualTo("SUCCEEDED");
        assertThat(d.step("smoke hook").startedAt()).isBefore(d.step("switch traffic").startedAt());
    }

    @Test
    void lockFreezesTheServiceUntilUnlock() {
        String env = TestCatalog.stagingEnvironment();
        assertThat(console.ask("alice", "deploys", "/lock backend " + env + " audit freeze"))
                .contains("alice may not use /lock").contains("devops-lead");
        assertThat(console.ask("bob", "deploys", "/lock backend " + env + " audit freeze")).contains("locked by bob");
        assertThat(console.ask("alice", "deploys", "/deploy backend v1.4 " + env))
                .contains("locked by bob: “audit freeze”").contains("/unlock backend " + env);
        assertThat(console.ask("bob", "deploys", "/unlock backend " + env)).contains("unlocked");
        assertThat(driver.deployed("alice", "backend", "v1.4", env).status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void historyListsTheServicesDeploymentsNewestFirst() {
        String env = TestCatalog.stagingEnvironment();
        DeploymentView first = driver.deployed("alice", "backend", "v1.3", env);
        DeploymentView second = driver.deployed("bob", "backend", "v1.4", env);
        String history = console.ask("dave", "deploys", "/history backend " + env);
        assertThat(history.indexOf(second.id())).isLessThan(history.indexOf(first.id()));
        assertThat(history).contains("v1.4 → " + env + " · SUCCEEDED · by bob");
    }

    /** A test-only tag of a repository pointing at another image, removed afterwards. */
    record DockerTag(String repository, String tag) {
        static DockerTag of(String repository, String prefix, String source, String env) {
            DockerTag t = new DockerTag(repository, prefix + "-" + env);
            dev.vitals.DockerCli.run("docker", "tag", source, repository + ":" + t.tag());
            return t;
        }

        void remove() {
            dev.vitals.DockerCli.run("docker", "rmi", repository + ":" + tag);
        }
    }
}
