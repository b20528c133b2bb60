package dev.vitals.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.deploy.ContainerRuntime.ContainerSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a crash in the middle of a run's cleanup leaves on the engine goes at a later reconciliation pass,
 * and nothing else does: the pass finds it through the engine state's listing and one query for all the
 * deployments it shows, then asks the engine afresh before removing anything.
 */
class LeftoverContainersTest extends VitalsIntegrationTest {

    @Test
    void theContainerOfARunThatFailedAndTheHookOfOneThatEndedAreRemovedWhileTheLiveVersionAndItsStandbyStay() {
        DeployDriver driver = new DeployDriver(console, runtime, catalog);
        String envName = TestCatalog.stagingEnvironment();
        Environment env = catalog.environments().get(envName);
        DeploymentView first = driver.deployed("alice", "backend", "v1.3", envName);
        DeploymentView live = driver.deployed("alice", "backend", "v1.4", envName);
        DeploymentView failed = driver.awaitEnd(driver.request("alice", "/deploy backend v1.6-broken " + envName));
        assertThat(failed.status()).as(failed.detail()).isEqualTo("FAILED");

        // given what a crash in the middle of cleaning up would have left: the failed run's new container,
        // and a hook container of a run that ended
        String image = runtime.image(env.engine(), "vitals-demo/backend:v1.5").orElseThrow().id();
        String ofFailedRun = leave(env, image, failed.id(), Map.of());
        String hookOfEndedRun = leave(env, image, first.id(), Map.of(Labels.ROLE, "hook"));

        // then a later pass removes both
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                runtime.inspect(env.engine(), ofFailedRun).isEmpty() && runtime.inspect(env.engine(), hookOfEndedRun).isEmpty());

        // and v1.4 still serves, with v1.3 beside it as the hot standby, untouched
        assertThat(driver.servingVersions("backend", envName)).containsExactly("v1.4");
        assertThat(driver.all("backend", envName)).filteredOn(ContainerRuntime.ContainerInfo::running)
                .extracting(c -> c.labels().get(Labels.DEPLOYMENT)).containsExactlyInAnyOrder(live.id(), first.id());
    }

    private String leave(Environment env, String image, String deploymentId, Map<String, String> extra) {
        Map<String, String> labels = new HashMap<>(Map.of(Labels.MANAGED, "true", Labels.ENVIRONMENT, env.name(),
                Labels.SERVICE, "backend", Labels.DEPLOYMENT, deploymentId, Labels.VERSION, "v1.5"));
        labels.putAll(extra);
        String id = runtime.create(env.engine(), new ContainerSpec(env.name() + "-left-" + deploymentId.toLowerCase()
                + (extra.isEmpty() ? "" : "-hook"), image, labels, Map.of(), List.of(), env.network(), List.of(),
                Optional.empty(), Map.of(), List.of(), null));
        runtime.start(env.engine(), id);
        return id;
    }
}
