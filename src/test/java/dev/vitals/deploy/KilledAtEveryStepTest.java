package dev.vitals.deploy;

import org.junit.jupiter.api.Tag;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Vitals as a separate process, killed with SIGKILL in every step of a blue-green deploy, a rolling
 * deploy, a switch-back rollback and a rollback from a kept container, then started again once. Each
 * trial has a service of its own (one environment, one network for all), so the trials of a group of
 * pipelines share one process lifetime: the pipelines are held at their points by
 * {@code vitals.fault-injection.pause-at}, one real SIGKILL ends them all, and one plain restart must
 * bring each to a terminal status with exactly one live version, at most one running standby, no orphan
 * container and a message in its thread.
 *
 * <p>By default every step is hit after it did its work (not yet recorded) and every traffic move
 * half-way; {@code -Dvitals.faults.full=true} (Maven profile {@code faults-full}) also hits every step
 * right after it was recorded as started.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("faults")
class KilledAtEveryStepTest {
    private static final boolean FULL = Boolean.getBoolean("vitals.faults.full");
    private static final String ENV = TestCatalog.RUN + "-killed";
    private static final int PARALLEL_SETUPS = 4;
    /** On 2 busy cores a deploy with three hooks and a 5 s health interval may queue for minutes. */
    private static final Duration SETUP_DEPLOY = Duration.ofMinutes(5);
    private static final int QUICK_DEPLOYS = 20;

    enum Pipeline { BLUE_GREEN_DEPLOY, ROLLING_DEPLOY, SWITCH_BACK_ROLLBACK, RESTART_KEPT_ROLLBACK }

    /** One kill: where, and how the deployment must end after the restart. */
    record Trial(int n, Pipeline pipeline, String point, String status, String serving) {
        String service() {
            return (pipeline == Pipeline.ROLLING_DEPLOY ? "frontend" : "backend") + n;
        }

        int replicas() {
            return pipeline == Pipeline.ROLLING_DEPLOY ? 2 : 1;
        }

        @Override
        public String toString() {
            return pipeline.name().toLowerCase().replace('_', '-') + " killed at " + point;
        }
    }

    private final DockerContainerRuntime runtime = new DockerContainerRuntime();
    private final Map<Trial, String> ids = new LinkedHashMap<>();
    private final Map<Trial, Ended> ended = new ConcurrentHashMap<>();
    private final Map<Trial, Boolean> consistent = new ConcurrentHashMap<>();
    private VitalsProcess vitals;
    private DeployDriver driver;
    private long runningAfterQuickDeploys;
    private long containersAfterQuickDeploys;

    static List<Trial> trials() {
        List<Trial> t = new ArrayList<>();
        String failed = "FAILED";
        String rolledBack = "ROLLED_BACK";
        String succeeded = "SUCCEEDED";
        // blue-green: v1.3 live, deploying v1.4
        Pipeline bg = Pipeline.BLUE_GREEN_DEPLOY;
        t.add(new Trial(0, bg, "preflight:before", failed, "v1.3"));
        for (String step : List.of("preflight", "snapshot hook", "migration hook", "start new", "smoke hook")) {
            t.add(new Trial(0, bg, step + ":after", failed, "v1.3"));
        }
        t.add(new Trial(0, bg, "wait healthy:after", succeeded, "v1.4")); // resumed
        t.add(new Trial(0, bg, "switch traffic:mid", rolledBack, "v1.3"));
        t.add(new Trial(0, bg, "switch traffic:after", rolledBack, "v1.3"));
        t.add(new Trial(0, bg, "verify stable:after", succeeded, "v1.4")); // resumed
        t.add(new Trial(0, bg, "retire old:after", succeeded, "v1.4"));
        // rolling, 2 replicas: v2.0 live, deploying v2.1
        Pipeline rolling = Pipeline.ROLLING_DEPLOY;
        for (String step : List.of("preflight", "snapshot hook", "migration hook")) {
            t.add(new Trial(0, rolling, step + ":after", failed, "v2.0"));
        }
        for (String step : List.of("replace replica 1/2", "replace replica 2/2")) {
            t.add(new Trial(0, rolling, step + ":mid", rolledBack, "v2.0"));
            t.add(new Trial(0, rolling, step + ":after", rolledBack, "v2.0"));
        }
        for (String step : List.of("smoke hook", "verify stable", "retire old")) {
            t.add(new Trial(0, rolling, step + ":after", succeeded, "v2.1"));
        }
        // switch-back: v1.3 then v1.4 deployed, v1.3 the running standby; /rollback
        Pipeline back = Pipeline.SWITCH_BACK_ROLLBACK;
        t.add(new Trial(0, back, "switch traffic:mid", rolledBack, "v1.4"));
        t.add(new Trial(0, back, "switch traffic:after", rolledBack, "v1.4"));
        t.add(new Trial(0, back, "verify stable:after", succeeded, "v1.3"));
        t.add(new Trial(0, back, "retire old:after", succeeded, "v1.3"));
        // restart-kept: v1.3, v1.4, v1.5 deployed, v1.3 stopped and kept; /rollback to:v1.3
        Pipeline kept = Pipeline.RESTART_KEPT_ROLLBACK;
        t.add(new Trial(0, kept, "start kept:after", failed, "v1.5"));
        t.add(new Trial(0, kept, "wait healthy:after", failed, "v1.5"));
        t.add(new Trial(0, kept, "switch traffic:mid", rolledBack, "v1.5"));
        t.add(new Trial(0, kept, "switch traffic:after", rolledBack, "v1.5"));
        t.add(new Trial(0, kept, "verify stable:after", succeeded, "v1.3"));
        t.add(new Trial(0, kept, "retire old:after", succeeded, "v1.3"));
        if (FULL) {
            for (String step : List.of("snapshot hook", "migration hook", "start new", "smoke hook", "switch traffic")) {
                t.add(new Trial(0, bg, step + ":before", failed, "v1.3"));
            }
            for (String step : List.of("wait healthy", "verify stable", "retire old")) {
                t.add(new Trial(0, bg, step + ":before", succeeded, "v1.4"));
            }
            for (String step : List.of("preflight", "snapshot hook", "migration hook", "replace replica 1/2")) {
                t.add(new Trial(0, rolling, step + ":before", failed, "v2.0"));
            }
            t.add(new Trial(0, rolling, "replace replica 2/2:before", rolledBack, "v2.0"));
            for (String step : List.of("smoke hook", "verify stable", "retire old")) {
                t.add(new Trial(0, rolling, step + ":before", succeeded, "v2.1"));
            }
            t.add(new Trial(0, back, "switch traffic:before", failed, "v1.4"));
            t.add(new Trial(0, back, "verify stable:before", succeeded, "v1.3"));
            t.add(new Trial(0, back, "retire old:before", succeeded, "v1.3"));
            for (String step : List.of("start kept", "wait healthy", "switch traffic")) {
                t.add(new Trial(0, kept, step + ":before", failed, "v1.5"));
            }
            t.add(new Trial(0, kept, "verify stable:before", succeeded, "v1.3"));
            t.add(new Trial(0, kept, "retire old:before", succeeded, "v1.3"));
        }
        List<Trial> numbered = new ArrayList<>();
        for (int i = 0; i < t.size(); i++) {
            Trial x = t.get(i);
            numbered.add(new Trial(i + 1, x.pipeline(), x.point(), x.status(), x.serving()));
        }
        return numbered;
    }

    private static String catalog(List<Trial> trials) {
        StringBuilder y = new StringBuilder("environments:\n");
        y.append("  ").append(ENV).append(": {network: ").append(TestCatalog.network(ENV)).append("}\n");
        String hooks = """
                    hooks:
                      snapshot: {command: [sh, -c, "echo snapshot of $VITALS_SERVICE taken"], timeout: 120s}
                      migration: {command: [sh, -c, "echo migrating to $VITALS_VERSION"], timeout: 120s}
                      smoke: {command: [sh, -c, "wget -q -O- http://$VITALS_TARGET:8080/version"], timeout: 120s}
                """;
        y.append("services:\n");
        for (Trial t : trials) {
            y.append("  ").append(t.service()).append(":\n");
            y.append(t.pipeline() == Pipeline.ROLLING_DEPLOY ? """
                        image: vitals-demo/frontend
                        strategy: rolling
                        replicas: 2
                    """ : """
                        image: vitals-demo/backend
                    """);
            y.append("""
                        health: {interval: 5s, timeout: 10s, retries: 5, gate-timeout: 180s}
                    """);
            if (t.pipeline() == Pipeline.BLUE_GREEN_DEPLOY || t.pipeline() == Pipeline.ROLLING_DEPLOY) {
                y.append(hooks);
            }
        }
        y.append("""
                  quick:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 10s, retries: 5, gate-timeout: 120s}
                users:
                  alice: [deployer]
                deploy: {verify-stable: 1s, hot-standby: 15m, keep-stopped: 1}
                local-images:
                  - {image: "vitals-demo/backend:v1.3"}
                  - {image: "vitals-demo/backend:v1.4"}
                  - {image: "vitals-demo/backend:v1.5"}
                  - {image: "vitals-demo/frontend:v2.0"}
                  - {image: "vitals-demo/frontend:v2.1"}
                """);
        y.append("policies: [{environment: ").append(ENV).append(", approvals: {}}]\n");
        return y.toString();
    }

    /**
     * The pipelines in groups, one group per process lifetime pair (set up, kill at the points, restart
     * once): a restart reconciles about ten interrupted pipelines at once rather than all of them, which
     * on two cores keeps the engine's health checks and the reconciliation from starving each other.
     */
    static List<List<Pipeline>> groups() {
        return List.of(List.of(Pipeline.BLUE_GREEN_DEPLOY), List.of(Pipeline.ROLLING_DEPLOY),
                List.of(Pipeline.SWITCH_BACK_ROLLBACK, Pipeline.RESTART_KEPT_ROLLBACK));
    }

    @BeforeAll
    void killEveryTrialOnceThenRestartOnce() throws Exception {
        List<Trial> trials = trials();
        vitals = new VitalsProcess("killed-at-every-step", catalog(trials), Map.of());
        boolean first = true;
        for (List<Pipeline> group : groups()) {
            List<Trial> these = trials.stream().filter(t -> group.contains(t.pipeline())).toList();
            killAndRestart(these, first);
            first = false;
        }
    }

    private void killAndRestart(List<Trial> trials, boolean withQuickDeploys) throws Exception {
        // given, in a first lifetime, each service with the versions its trial starts from
        vitals.start();
        driver = driver();
        Semaphore parallel = new Semaphore(PARALLEL_SETUPS);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> setups = new ArrayList<>();
            if (withQuickDeploys) {
                setups.add(pool.submit(this::quickDeploys));
            }
            for (Trial t : trials) {
                setups.add(pool.submit(() -> {
                    parallel.acquire();
                    try {
                        for (String version : startingVersions(t.pipeline())) {
                            driver.deployed("alice", t.service(), version, ENV, SETUP_DEPLOY);
                        }
                    } finally {
                        parallel.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : setups) {
                f.get();
            }
        }
        vitals.kill();

        // when each trial's pipeline is held at its point and Vitals is killed with SIGKILL there
        String pauseAt = trials.stream().map(t -> t.service() + "/" + t.point()).collect(Collectors.joining(","));
        vitals.start(Map.of("VITALS_FAULT_INJECTION_PAUSE_AT", pauseAt));
        for (Trial t : trials) {
            ids.put(t, driver.request("alice", switch (t.pipeline()) {
                case BLUE_GREEN_DEPLOY -> "/deploy " + t.service() + " v1.4 " + ENV;
                case ROLLING_DEPLOY -> "/deploy " + t.service() + " v2.1 " + ENV;
                case SWITCH_BACK_ROLLBACK -> "/rollback " + t.service() + " " + ENV;
                case RESTART_KEPT_ROLLBACK -> "/rollback " + t.service() + " " + ENV + " to:v1.3";
            }));
        }
        for (Trial t : trials) {
            String id = ids.get(t);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                    driver.threadText(driver.get(id)).contains("⏸ fault injection: paused at " + t.point()));
        }
        vitals.kill();

        // and started again, once, without fault injection: each end and what the engine then shows is kept
        vitals.start();
        for (Trial t : trials) {
            try {
                DeploymentView d = driver.awaitEnd(ids.get(t), Duration.ofMinutes(5));
                List<ContainerInfo> all = driver.all(t.service(), ENV);
                Map<String, String> owners = new TreeMap<>();
                all.forEach(c -> owners.computeIfAbsent(c.labels().get(Labels.DEPLOYMENT), o -> driver.get(o).status()));
                ended.put(t, new Ended(d, all, owners, driver.threadText(d), null));
            } catch (AssertionError notEnded) {
                ended.put(t, new Ended(null, List.of(), Map.of(), "", notEnded.getMessage() + " (log: " + vitals.log() + ")"));
            }
        }
        // what this group left on the engine goes, so the next group's restart reconciles only its own
        Catalog.EngineEndpoint engine = CatalogLoader.load(vitals.catalog()).environments().get(ENV).engine();
        for (Trial t : trials) {
            driver.all(t.service(), ENV).forEach(c -> runtime.remove(engine, c.id()));
        }
        vitals.stop();
    }

    /** How a trial's deployment ended after the one restart, and what the engine showed then. */
    record Ended(DeploymentView deployment, List<ContainerInfo> containers, Map<String, String> ownerStatus,
                 String thread, String notEnded) {
    }

    private static List<String> startingVersions(Pipeline p) {
        return switch (p) {
            case BLUE_GREEN_DEPLOY -> List.of("v1.3");
            case ROLLING_DEPLOY -> List.of("v2.0");
            case SWITCH_BACK_ROLLBACK -> List.of("v1.3", "v1.4");
            case RESTART_KEPT_ROLLBACK -> List.of("v1.3", "v1.4", "v1.5");
        };
    }

    private Void quickDeploys() {
        List<String> versions = List.of("v1.3", "v1.4", "v1.5");
        for (int i = 0; i < QUICK_DEPLOYS; i++) {
            driver.deployed("alice", "quick", versions.get(i % versions.size()), ENV, SETUP_DEPLOY);
        }
        List<ContainerInfo> all = driver.all("quick", ENV);
        runningAfterQuickDeploys = all.stream().filter(ContainerInfo::running).count();
        containersAfterQuickDeploys = all.size();
        return null;
    }

    @Test
    void twentyQuickDeploysLeaveTheLiveVersionAndOneHotStandbyRunning() {
        System.out.printf("after %d quick deploys of quick: %d running container(s), %d in all%n", QUICK_DEPLOYS,
                runningAfterQuickDeploys, containersAfterQuickDeploys);
        assertThat(runningAfterQuickDeploys).isEqualTo(2);
        assertThat(containersAfterQuickDeploys).isEqualTo(3); // + keep-stopped: 1
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trials")
    void endsWithItsStatusOneLiveVersionAtMostOneStandbyNoOrphanAndSaysSo(Trial t) {
        Ended e = ended.get(t);
        assertThat(e.notEnded()).as("the deployment ended after the restart").isNull();
        DeploymentView d = e.deployment();
        Catalog.Environment env = CatalogLoader.load(vitals.catalog()).environments().get(ENV);
        List<ContainerInfo> all = e.containers();
        List<ContainerInfo> serving = all.stream().filter(c -> c.servesAs(env.network(), t.service())).toList();
        List<ContainerInfo> standby = all.stream().filter(c -> c.running() && !serving.contains(c)).toList();

        assertThat(d.status()).as(d.detail()).isEqualTo(t.status());
        assertThat(serving).extracting(c -> c.labels().get(Labels.VERSION)).containsOnly(t.serving());
        assertThat(serving).hasSize(t.replicas());
        assertThat(standby.stream().map(c -> c.labels().get(Labels.VERSION)).distinct().count()).isLessThanOrEqualTo(1);
        assertThat(standby).hasSizeLessThanOrEqualTo(t.replicas());
        // no orphan: nothing of a hook, of a run that failed, or of one still running
        assertThat(all).noneMatch(c -> c.labels().containsKey(Labels.ROLE));
        assertThat(e.ownerStatus()).allSatisfy((owner, status) -> assertThat(status).as(owner).isEqualTo("SUCCEEDED"));
        assertThat(e.thread()).contains("Vitals restarted while " + d.id() + " was in ");
        consistent.put(t, true);
    }

    @AfterAll
    void report() throws Exception {
        Map<String, String> counts = new TreeMap<>();
        trials().stream().collect(Collectors.groupingBy(Trial::pipeline, TreeMap::new, Collectors.toList()))
                .forEach((p, ts) -> counts.put(p.name().toLowerCase(), consistentCount(ts) + " of " + ts.size()
                        + " consistent (" + ts.stream().map(t -> t.point() + (consistent.containsKey(t) ? " ok" : " NOT"))
                        .collect(Collectors.joining(", ")) + ")"));
        counts.forEach((p, c) -> System.out.println("SIGKILL trials, " + p + ": " + c));
        try {
            if (vitals != null) {
                vitals.close();
            }
        } finally {
            TestCatalog.removeEnvironment(ENV);
            runtime.close();
        }
    }

    private long consistentCount(List<Trial> ts) {
        return ts.stream().filter(consistent::containsKey).count();
    }

    private DeployDriver driver() {
        Catalog catalog = CatalogLoader.load(vitals.catalog());
        DeployDriver driver = new DeployDriver(new ConsoleClient(vitals.port()), runtime, catalog);
        await().atMost(Duration.ofMinutes(2)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(catalog.environments().get(ENV).engine(), i.ref()).isPresent()));
        return driver;
    }
}
