package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ConsoleClient.Msg;
import dev.vitals.DeployDriver;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scale: Vitals as a separate JVM, the packaged jar started as {@code demo.sh} starts it ({@link
 * VitalsProcess#packaged}), with a catalog of 200 services in 2 environments (no sign-off), a few
 * of them deployed; {@code /status} (both environments, every service) and {@code /status <env>} from
 * the command to the reply the client reads (see {@link ConsoleWatch}), taking turns.
 */
@Tag("bench")
class ScaleBench {
    private static final int SERVICES = 200;
    private static final int CONCURRENT = 20;

    @Test
    void statusWithTwoHundredServices() throws Exception {
        int n = Bench.n("scale", 500, 20);
        int deployed = Bench.size("scale.deployed", 6, 2);
        Bench.Report report = new Bench.Report("scale", "scale: 200 services × 2 environments");
        String a = TestCatalog.RUN + "-scale-a";
        String b = TestCatalog.RUN + "-scale-b";
        StringBuilder y = new StringBuilder("environments:\n");
        y.append("  ").append(a).append(": {network: vitals-").append(a).append("}\n");
        y.append("  ").append(b).append(": {network: vitals-").append(b).append("}\n");
        y.append("services:\n");
        for (int i = 1; i <= SERVICES; i++) {
            // the test catalog's health check: 20 containers starting at once on 2 cores can take a wget past 2 s
            y.append(String.format("  svc-%03d: {image: vitals-demo/backend, health: {interval: 1s, timeout: 5s,"
                    + " retries: 3, gate-timeout: 30s}}%n", i));
        }
        y.append("policies:\n  - {environment: ").append(a).append(", approvals: {}}\n  - {environment: ").append(b)
                .append(", approvals: {}}\n");
        y.append("users:\n  alice: [deployer]\n  dave: [viewer]\n");
        y.append("deploy: {verify-stable: 1s, hot-standby: 15m, keep-stopped: 1}\n");
        List<Double> all = new ArrayList<>();
        List<Double> one = new ArrayList<>();
        List<Double> during = new ArrayList<>();
        double rss;
        double concurrentSeconds;
        double rssUnderDeploys;
        try (VitalsProcess vitals = VitalsProcess.packaged("bench-scale-" + System.nanoTime(), y.toString(),
                Map.of())) {
            vitals.start();
            try (ConsoleWatch watch = new ConsoleWatch(vitals.port())) {
                DeployDriver driver = new DeployDriver(watch.console(), null, null);
                for (int i = 1; i <= deployed; i++) {
                    var d = driver.awaitEnd(driver.request("alice", String.format("/deploy svc-%03d v1.3 %s", i, a)));
                    assertThat(d.status()).as(d.detail()).isEqualTo("SUCCEEDED");
                }
                int warmUp = Math.max(5, n / 20);
                for (int i = -warmUp; i < n; i++) {
                    double t1 = reply(watch, "/status");
                    double t2 = reply(watch, "/status " + a);
                    if (i >= 0) {
                        all.add(t1);
                        one.add(t2);
                    }
                }
                rss = Bench.rssMb(vitals.handle().pid());

                // 20 concurrent deploys of different services, /status <env> asked meanwhile, memory sampled
                long began = System.nanoTime();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < CONCURRENT; i++) {
                    ids.add(driver.request("alice", String.format("/deploy svc-%03d v1.3 %s", SERVICES - i, b)));
                }
                java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
                List<Double> rssWhile = java.util.Collections.synchronizedList(new ArrayList<>());
                Thread sampler = Thread.ofVirtual().start(() -> {
                    while (running.get()) {
                        rssWhile.add(Bench.rssMb(vitals.handle().pid()));
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
                    }
                });
                for (String id : ids) {
                    if (driver.get(id).status().matches("SUCCEEDED|FAILED|ROLLED_BACK|CANCELLED|REJECTED|EXPIRED")) {
                        continue;
                    }
                    during.add(reply(watch, "/status " + b));
                    var d = driver.awaitEnd(id, Duration.ofMinutes(5));
                    assertThat(d.status()).as(d.detail()).isEqualTo("SUCCEEDED");
                }
                concurrentSeconds = Bench.ms(System.nanoTime() - began) / 1000.0;
                running.set(false);
                sampler.join();
                rssUnderDeploys = rssWhile.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            }
            vitals.stop();
        } finally {
            TestCatalog.removeEnvironment(a);
            TestCatalog.removeEnvironment(b);
        }
        Bench.Stats sAll = Bench.Stats.of(all);
        Bench.Stats sOne = Bench.Stats.of(one);
        report.put("services", SERVICES).put("environments", 2).put("deployedServices", deployed).put("n", n)
                .put("statusAllMs", sAll).put("statusOneEnvironmentMs", sOne).put("rssMb", rss)
                .put("concurrentDeploys", CONCURRENT).put("concurrentDeploysSeconds", concurrentSeconds)
                .put("statusDuringDeploysMs", Bench.Stats.of(during)).put("rssUnderDeploysMaxMb", rssUnderDeploys);
        report.row("/status (2 environments × 200 services) → reply", sAll.percentiles(" ms"), "p99 ≤ 50 ms")
                .row("/status <env> (200 services) → reply", sOne.percentiles(" ms"), "p99 ≤ 50 ms")
                .row("resident memory of the JVM with this catalog, idle after the /status runs", Bench.f(rss) + " MB",
                        "≤ 300 MB")
                .row(CONCURRENT + " concurrent deploys of different services, first request → all SUCCEEDED",
                        Bench.f(concurrentSeconds) + " s", null)
                .row("/status <env> while they run", Bench.Stats.of(during).percentiles(" ms"), null)
                .row("resident memory of the JVM while they run (max of samples every 200 ms)",
                        Bench.f(rssUnderDeploys) + " MB", null)
                .write();
    }

    private static double reply(ConsoleWatch watch, String command) {
        long posted = System.nanoTime();
        long asked = Long.parseLong(watch.console().say("dave", "deploys", command));
        Msg m = watch.await(command, () -> watch.after("deploys", asked, "dave"), x -> x.author().equals("vitals"),
                Duration.ofSeconds(60));
        double ms = Bench.ms(System.nanoTime() - posted);
        assertThat(m.text()).as(command).contains("svc-001");
        return ms;
    }
}
