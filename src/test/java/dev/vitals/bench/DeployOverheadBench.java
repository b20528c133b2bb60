package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import dev.vitals.catalog.Catalog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Deploy overhead: blue-green backend v1.3 → v1.4 by Vitals ({@code /deploy} in the console, staging
 * needs no sign-off) against {@link EngineScript} making the same Engine API calls, in alternated
 * pairs (the order flips every pair), each on fresh networks with v1.3 serving. Vitals is timed from
 * just before the command is posted to the end of its "switch traffic" step and to SUCCEEDED (which
 * adds the catalog's verify-stable of 1 s and retiring the old version); the script from its first call
 * to its last. The first pairs after start ({@code -Dbench.deploy.warmup}, 3) measure a JVM still compiling
 * the deploy path on the cores the engine needs to start containers: they are reported on a row of their
 * own, not in the steady-state ratio.
 */
@Tag("bench")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class DeployOverheadBench extends VitalsIntegrationTest {

    /**
     * Vitals as shipped: its periodic work (scheduler, reconciliation, redelivery) at the intervals of
     * application.yml, not at the test suite's faster ones; in a context (and database) of its own.
     */
    @DynamicPropertySource
    static void asShipped(DynamicPropertyRegistry registry) {
        registry.add("vitals.test.scheduler-interval", () -> "5s");
        registry.add("vitals.test.reconcile-interval", () -> "10s");
        registry.add("vitals.test.event-retry-interval", () -> "10s");
        registry.add("vitals.test.home",
                () -> Path.of("target", "test-" + TestCatalog.RUN, "bench-deploy").toAbsolutePath().toString());
    }

    @Test
    void blueGreenDeployByVitalsAgainstAPlainEngineScript() throws Exception {
        int pairs = Bench.n("deploy", 20, 2);
        int warmUp = Bench.size("deploy.warmup", 3, 1);
        Bench.Report report = new Bench.Report("deploy-overhead", "deploy overhead (blue-green v1.3 → v1.4)");
        DeployDriver driver = new DeployDriver(console, runtime, catalog);
        Catalog.Service backend = catalog.services().get("backend");
        List<Double> toSwitch = new ArrayList<>();
        List<Double> toSucceeded = new ArrayList<>();
        List<Double> script = new ArrayList<>();
        List<Double> warmVitals = new ArrayList<>();
        List<Double> warmScript = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        int missedEvents;
        try (EngineScript engine = new EngineScript(catalog.environments().get(TestCatalog.RUN + "-s1").engine().host())) {
            // unmeasured pairs first: the JIT (a deploy runs code no start-up touched), the connection pools, the
            // database's plan caches and the engine's caches warm up; they are reported on a row of their own
            for (int i = -warmUp; i < pairs; i++) {
                String vitalsEnv = TestCatalog.stagingEnvironment();
                String scriptEnv = TestCatalog.stagingEnvironment();
                Map<String, Object> pair = new LinkedHashMap<>();
                pair.put("pair", i);
                boolean vitalsFirst = i % 2 == 0;
                driver.deployed("alice", "backend", "v1.3", vitalsEnv);
                String old = scriptSetUp(engine, backend, scriptEnv, i);
                for (int k = 0; k < 2; k++) {
                    settle(engine);
                    if ((k == 0) == vitalsFirst) {
                        Instant asked = Instant.now();
                        // its times are read from its record afterwards, so it is asked only once a second
                        DeploymentView d = driver.awaitEnd(driver.requestQuietly("alice",
                                "/deploy backend v1.4 " + vitalsEnv, OBSERVER_POLL), Duration.ofSeconds(90), OBSERVER_POLL);
                        assertThat(List.of(d.service(), d.version(), d.environment())).as(d.id())
                                .isEqualTo(List.of("backend", "v1.4", vitalsEnv));
                        assertThat(d.status()).as("%s: %s", d.id(), d.detail()).isEqualTo("SUCCEEDED");
                        double sw = Duration.between(asked, d.step("switch traffic").finishedAt()).toNanos() / 1e6;
                        double all = Duration.between(asked, d.finishedAt()).toNanos() / 1e6;
                        pair.put("vitalsToSwitchMs", sw);
                        pair.put("vitalsToSucceededMs", all);
                        Map<String, Double> steps = new LinkedHashMap<>();
                        d.steps().forEach(s -> steps.put(s.name(), s.took().toNanos() / 1e6));
                        pair.put("vitalsStepsMs", steps);
                        pair.put("vitalsQueuedMs", Duration.between(asked, d.steps().getFirst().startedAt()).toNanos() / 1e6);
                        if (i >= 0) {
                            toSwitch.add(sw);
                            toSucceeded.add(all);
                        } else {
                            warmVitals.add(sw);
                        }
                    } else {
                        double took = scriptDeploy(engine, backend, scriptEnv, old, i);
                        pair.put("scriptMs", took);
                        pair.put("scriptPhasesMs", new LinkedHashMap<>(engine.phases));
                        if (i >= 0) {
                            script.add(took);
                        } else {
                            warmScript.add(took);
                        }
                    }
                }
                details.add(pair);
                System.out.println("deploy overhead pair " + pair);
                TestCatalog.removeEnvironment(vitalsEnv);
                TestCatalog.removeEnvironment(scriptEnv);
            }
            missedEvents = engine.missedEvents;
        }
        Bench.Stats sw = Bench.Stats.of(toSwitch);
        Bench.Stats all = Bench.Stats.of(toSucceeded);
        Bench.Stats base = Bench.Stats.of(script);
        Bench.Ratio ratioSwitch = Bench.Ratio.of(toSwitch, script);
        Bench.Ratio ratioAll = Bench.Ratio.of(toSucceeded, script);
        Bench.Ratio ratioWarmUp = Bench.Ratio.of(warmVitals, warmScript);
        report.put("pairs", pairs).put("warmUpPairs", warmUp).put("ratioToSwitchWarmingUp", ratioWarmUp).put("vitalsToSwitchMs", sw).put("vitalsToSucceededMs", all).put("scriptMs", base)
                .put("ratioToSwitch", ratioSwitch).put("ratioToSucceeded", ratioAll).put("details", details)
                .put("scriptMissedHealthEvents", missedEvents).put("healthCheck", backend.health().toString())
                .put("verifyStable", catalog.deploy().verifyStable().toString());
        report.row("Vitals, /deploy → switch done", sw.text(" ms"), null)
                .row("plain docker-java script (same calls), total", base.text(" ms"), null)
                .row("overhead to switch done, ratio of medians", ratioSwitch.text(), "≤ 1.05×")
                .row("Vitals, /deploy → SUCCEEDED (incl. verify-stable " + catalog.deploy().verifyStable().toSeconds()
                        + " s)", all.text(" ms"), null)
                .row("to SUCCEEDED ÷ script, ratio of medians", ratioAll.text(), null)
                .row("overhead to switch done in the " + warmUp + " unmeasured pairs just after start (the JIT still"
                        + " compiling on the same 2 cores)", ratioWarmUp.text(), null)
                .write();
    }

    /**
     * Each measured deploy starts on an engine (and a Vitals) left alone for the same time: nothing but health
     * checks for {@link #SETTLE}. Without it the second of a pair started on the tail of the first: the script's
     * last call returns while the engine is still busy with the move, whereas Vitals is awaited until SUCCEEDED,
     * a second later. Measured that way whoever went second was 10–20 % slower, start of the container included.
     * {@code -Dbench.settle} (seconds, 2) sets it.
     */
    private static void settle(EngineScript engine) {
        await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(60)).until(() -> engine.quietFor(SETTLE));
    }

    private static final Duration SETTLE = Duration.ofSeconds(Long.getLong("bench.settle", 2));

    /**
     * How often the measured deploy is asked about, from its command's reply to its end. Each answer (the reply,
     * the deployment with its steps) costs Vitals CPU on the 2 cores the engine is starting the container on,
     * which the script's run does not pay; the times themselves come from the deployment's record.
     */
    private static final Duration OBSERVER_POLL = Duration.ofSeconds(1);

    /** v1.3 serving as {@code backend} on the script's own network, as Vitals would leave it (untimed). */
    private String scriptSetUp(EngineScript engine, Catalog.Service backend, String env, int pair) throws InterruptedException {
        Catalog.Environment e = catalog.environments().get(env);
        runtime.ensureNetwork(e.engine(), e.network());
        String image = runtime.image(e.engine(), "vitals-demo/backend:v1.3").orElseThrow().id();
        return engine.startHealthy(env + "-backend-v1.3-script-" + pair, image, backend, env, "v1.3", e.network(),
                List.of("backend"));
    }

    /** The timed part: create, start, healthy, move the alias. Returns milliseconds. */
    private double scriptDeploy(EngineScript engine, Catalog.Service backend, String env, String old, int pair)
            throws InterruptedException {
        Catalog.Environment e = catalog.environments().get(env);
        String image = runtime.image(e.engine(), "vitals-demo/backend:v1.4").orElseThrow().id();
        long t0 = System.nanoTime();
        String id = engine.startHealthy(env + "-backend-v1.4-script-" + pair, image, backend, env, "v1.4", e.network(),
                List.of());
        engine.moveAlias(e.network(), "backend", old, id);
        return (System.nanoTime() - t0) / 1e6;
    }
}
