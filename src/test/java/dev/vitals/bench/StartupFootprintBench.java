package dev.vitals.bench;

import static org.awaitility.Awaitility.await;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ConsoleClient;
import dev.vitals.DeployDriver;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Start-up and footprint: the packaged jar started exactly as {@code demo.sh} starts it ({@link
 * VitalsProcess#packaged}: the ahead-of-time context, the start-up cache prepared once per build, the JIT's
 * first tier; the embedded PostgreSQL in its VITALS_HOME, the demo catalog with environment names of this
 * run), timed from
 * launching the JVM until {@code /actuator/health} answers 200 (polled every 10 ms). The first start
 * creates the database; the later ones are restarts on it (warm). Resident memory (VmRSS of the JVM)
 * 10 s after the last start, idle, and after some deploys.
 */
@Tag("bench")
class StartupFootprintBench {
    private static final Pattern STARTED = Pattern.compile("Started VitalsApplication in ([0-9.]+) seconds");

    @Test
    void startUpToReadyAndResidentMemory() throws Exception {
        int starts = Bench.n("startup", 3, 2);
        int deploys = Bench.size("footprint.deploys", 4, 2);
        Bench.Report report = new Bench.Report("startup-footprint", "start-up and memory");
        String staging = TestCatalog.RUN + "-bstaging";
        String production = TestCatalog.RUN + "-bproduction";
        String demo = TestCatalog.demo(staging, production);
        List<Double> ready = new ArrayList<>();
        List<String> launch = List.of();
        List<Double> inJvm = new ArrayList<>();
        Map<String, Object> footprint = new LinkedHashMap<>();
        try (VitalsProcess vitals = VitalsProcess.packaged("bench-startup-" + System.nanoTime(), demo, Map.of())) {
            for (int i = 0; i < starts; i++) {
                if (i > 0) {
                    vitals.stop();
                }
                launch = vitals.launch();
                ready.add(timedStart(vitals));
                Matcher m = STARTED.matcher(Files.readString(vitals.log()));
                inJvm.add(m.find() ? Double.parseDouble(m.group(1)) * 1000 : Double.NaN);
                System.out.printf("start %d: ready after %.0f ms (Spring says %.0f ms)%n", i, ready.getLast(), inJvm.getLast());
            }
            // idle: 10 s with Vitals up and nothing asked of it
            await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15)).until(vitals.handle()::isAlive);
            long pid = vitals.handle().pid();
            double idle = Bench.rssMb(pid);
            footprint.put("rssIdleMb", idle);
            footprint.put("pssIdleWithPostgresMb", withPostgres(vitals));
            ConsoleClient console = new ConsoleClient(vitals.port());
            DeployDriver driver = new DeployDriver(console, null, null);
            List<String> versions = List.of("v1.3", "v1.4", "v1.5");
            for (int i = 0; i < deploys; i++) {
                var d = driver.awaitEnd(driver.request("alice", "/deploy backend " + versions.get(i % 3) + " " + staging));
                assertThat(d.status()).as(d.detail()).isEqualTo("SUCCEEDED");
            }
            for (int i = 0; i < Math.min(deploys, 50); i++) {
                console.ask("dave", "deploys", "/status " + staging);
                console.ask("dave", "deploys", "/history backend " + staging);
            }
            double afterWork = Bench.rssMb(pid);
            footprint.put("rssAfterDeploysMb", afterWork);
            footprint.put("deploys", deploys);
            vitals.stop();
        } finally {
            TestCatalog.removeEnvironment(staging);
            TestCatalog.removeEnvironment(production);
        }
        Bench.Stats first = Bench.Stats.of(ready.subList(0, 1));
        Bench.Stats warm = Bench.Stats.of(ready.subList(1, ready.size()));
        report.put("readyMs", ready).put("springStartedMs", inJvm).put("footprint", footprint)
                .put("jvm", "java " + String.join(" ", launch))
                .put("catalog", "deploy/demo/vitals.yml (environments renamed)");
        report.row("start to ready, first start (creates the embedded database)", Bench.f(first.p50()) + " ms", "≤ 4 s")
                .row("start to ready, restarts (warm)", warm.text(" ms"), "≤ 4 s")
                .row("Spring's own \"Started in\" (all starts)", Bench.Stats.of(inJvm).text(" ms"), null)
                .row("resident memory of the JVM, idle after start", Bench.f((double) footprint.get("rssIdleMb")) + " MB",
                        "≤ 300 MB")
                .row("resident memory of the JVM, after " + deploys + " deploys", Bench.f(afterWork(footprint)) + " MB", null)
                .row("JVM + its embedded PostgreSQL (all its processes), idle, proportional set size (Pss)",
                        Bench.f((double) footprint.get("pssIdleWithPostgresMb")) + " MB", null)
                .write();
    }

    private static double afterWork(Map<String, Object> footprint) {
        return (double) footprint.get("rssAfterDeploysMb");
    }

    /** Pss of the JVM plus every process of the PostgreSQL whose postmaster.pid lies under its VITALS_HOME. */
    private static double withPostgres(VitalsProcess vitals) throws java.io.IOException {
        double sum = Bench.pssMb(vitals.handle().pid());
        try (var files = Files.walk(vitals.home())) {
            for (Path pid : files.filter(f -> f.getFileName().toString().equals("postmaster.pid")).toList()) {
                long postmaster = Long.parseLong(Files.readAllLines(pid).getFirst().strip());
                sum += Bench.pssMb(postmaster);
                sum += ProcessHandle.of(postmaster).map(h -> h.descendants().mapToDouble(d -> Bench.pssMb(d.pid())).sum())
                        .orElse(0.0);
            }
        }
        return sum;
    }

    /** Starts Vitals and returns the milliseconds until its health endpoint first answered 200. */
    private static double timedStart(VitalsProcess vitals) throws Exception {
        ConsoleClient probe = new ConsoleClient(vitals.port());
        AtomicLong readyAt = new AtomicLong();
        long t0 = System.nanoTime();
        Thread poller = Thread.ofVirtual().start(() -> {
            try {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                        .until(() -> probe.get("/actuator/health").status() == 200);
                readyAt.set(System.nanoTime());
            } catch (org.awaitility.core.ConditionTimeoutException notReady) {
                // said by the assertion below
            }
        });
        vitals.start();
        poller.join(Duration.ofSeconds(5));
        poller.interrupt();
        assertThat(readyAt.get()).as("health answered 200").isPositive();
        return Bench.ms(readyAt.get() - t0);
    }
}
