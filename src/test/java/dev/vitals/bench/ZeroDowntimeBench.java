package dev.vitals.bench;

import static org.awaitility.Awaitility.await;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.DockerCli;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Zero downtime: a probe container on the service's network asks {@code http://backend:8080/version}
 * in a tight loop ({@code busybox wget} under {@code timeout 2}, a fresh name lookup each time; this busybox's own
 * {@code wget -T} crashes) and stamps every
 * answer with the time it arrived ({@code busybox ts}, microseconds), through N blue-green deploys
 * (v1.3 → v1.4) and N rollbacks (back to v1.3, the hot standby). Reported: failed requests, and for
 * every switch the time from the end of the "switch traffic" step to the last answer from the version
 * being replaced (0 when none came after it), i.e. until 100 % of answers come from the new version.
 */
@Tag("bench")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ZeroDowntimeBench extends VitalsIntegrationTest {

    record Answer(Instant at, String body) {
    }

    @Test
    void noRequestFailsThroughDeploysAndRollbacks() {
        int cycles = Bench.n("zero-downtime", 10, 2);
        Bench.Report report = new Bench.Report("zero-downtime", "zero downtime (probe on the service network)");
        DeployDriver driver = new DeployDriver(console, runtime, catalog);
        String env = TestCatalog.stagingEnvironment();
        String network = TestCatalog.network(env);
        driver.deployed("alice", "backend", "v1.3", env);
        String probe = env + "-probe";
        DockerCli.run("docker", "run", "-d", "--init", "--name", probe, "--network", network, "--label", "vitals.environment=" + env,
                "--label", "vitals.role=probe", "--entrypoint", "/bin/busybox", "vitals-demo/backend:v1.3", "sh", "-c",
                "while [ ! -f /stop ]; do v=$(/bin/busybox timeout 2 wget -q -O- http://backend:8080/version 2>/dev/null"
                        + " || echo FAIL); echo \"$v\"; done | /bin/busybox ts '%.s'");
        List<DeploymentView> switches = new ArrayList<>();
        try {
            awaitProbeAnswering(probe, "v1.3");
            for (int i = 0; i < cycles; i++) {
                switches.add(ok(driver.awaitEnd(driver.request("alice", "/deploy backend v1.4 " + env))));
                awaitProbeAnswering(probe, "v1.4");
                switches.add(ok(driver.awaitEnd(driver.request("bob", "/rollback backend " + env))));
                awaitProbeAnswering(probe, "v1.3");
            }
        } finally {
            DockerCli.run("docker", "exec", probe, "/bin/busybox", "touch", "/stop");
            DockerCli.run("docker", "wait", probe);
        }
        List<Answer> answers = DockerCli.run("docker", "logs", probe).lines().map(String::strip)
                .filter(l -> l.contains(" ")).map(l -> {
                    String[] f = l.split(" ", 2);
                    long micros = Math.round(Double.parseDouble(f[0]) * 1e6);
                    return new Answer(Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS), f[1].strip());
                }).toList();
        TestCatalog.removeEnvironment(env);
        long failed = answers.stream().filter(a -> a.body().equals("FAIL")).count();
        List<Double> convergence = new ArrayList<>();
        List<Map<String, Object>> details = new ArrayList<>();
        for (DeploymentView d : switches) {
            Instant switched = d.step("switch traffic").finishedAt();
            Instant started = d.step("switch traffic").startedAt();
            String old = d.previousVersion();
            Instant lastOld = answers.stream().filter(a -> a.at().isAfter(started) && a.at().isBefore(d.finishedAt())
                    && a.body().equals(old)).map(Answer::at).max(Instant::compareTo).orElse(switched);
            double ms = Math.max(0, Duration.between(switched, lastOld).toNanos() / 1e6);
            convergence.add(ms);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("deployment", d.id());
            row.put("kind", d.kind());
            row.put("from", old);
            row.put("to", d.version());
            row.put("switchStepMs", d.step("switch traffic").took().toNanos() / 1e6);
            row.put("lastOldAnswerAfterSwitchMs", ms);
            details.add(row);
        }
        Bench.Stats conv = Bench.Stats.of(convergence);
        double perSecond = answers.size() / Math.max(1e-3, Duration.between(answers.getFirst().at(),
                answers.getLast().at()).toNanos() / 1e9);
        report.put("cycles", cycles).put("requests", answers.size()).put("failed", failed)
                .put("requestsPerSecond", perSecond).put("convergenceMs", conv).put("details", details);
        report.row(cycles + " blue-green deploys + " + cycles + " rollbacks: failed probe requests",
                        failed + " of " + answers.size() + " (" + Bench.f(perSecond) + " requests/s)", "0")
                .row("switch done → 100 % answers from the new version", conv.text(" ms"), null)
                .write();
        assertThat(answers).isNotEmpty();
    }

    private static DeploymentView ok(DeploymentView d) {
        assertThat(d.status()).as("%s: %s", d.id(), d.detail()).isEqualTo("SUCCEEDED");
        return d;
    }

    /**
     * Until the service answers as {@code version} on the probe's network (asked from inside the probe: its
     * own log is buffered by {@code ts} and read at the end).
     */
    private static void awaitProbeAnswering(String probe, String version) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().alias("the probe hears " + version)
                .until(() -> DockerCli.run("docker", "exec", probe, "/bin/busybox", "wget", "-q", "-O-",
                        "http://backend:8080/version").strip().equals(version));
    }
}
