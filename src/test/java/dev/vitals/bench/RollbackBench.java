package dev.vitals.bench;

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
 * Rollback: {@code /rollback} until the previous version serves alone (the end of the rollback's
 * "switch traffic" step, when the other version has left the service's alias; checked on the engine
 * afterwards), three ways, on a fresh environment each round after backend v1.3 → v1.4 → v1.5:
 * <ul>
 * <li>warm: back to v1.4, which runs off the traffic path as hot standby (a switch only);</li>
 * <li>kept: then {@code to:v1.3}, whose container was stopped and kept (start it, health gate, switch);</li>
 * <li>redeploy: then {@code to:v1.5} after its containers were removed (a new container from the image).</li>
 * </ul>
 */
@Tag("bench")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RollbackBench extends VitalsIntegrationTest {

    @Test
    void rollbackUntilThePreviousVersionServesAlone() {
        int rounds = Bench.n("rollback", 3, 1);
        Bench.Report report = new Bench.Report("rollback", "rollback until the previous version serves alone");
        DeployDriver driver = new DeployDriver(console, runtime, catalog);
        Map<String, List<Double>> toAlone = new LinkedHashMap<>();
        Map<String, List<Double>> toSucceeded = new LinkedHashMap<>();
        List<Map<String, Object>> details = new ArrayList<>();
        for (String k : List.of("warm", "kept", "redeploy")) {
            toAlone.put(k, new ArrayList<>());
            toSucceeded.put(k, new ArrayList<>());
        }
        for (int i = 0; i < rounds; i++) {
            String env = TestCatalog.stagingEnvironment();
            for (String v : List.of("v1.3", "v1.4", "v1.5")) {
                driver.deployed("alice", "backend", v, env);
            }
            measure(driver, env, "warm", "", "v1.4", "start new", toAlone, toSucceeded, details);
            measure(driver, env, "kept", " to:v1.3", "v1.3", "start kept", toAlone, toSucceeded, details);
            DockerCli.run("sh", "-c", "docker rm -f $(docker ps -aq --filter label=vitals.environment=" + env
                    + " --filter label=vitals.version=v1.5) >/dev/null");
            measure(driver, env, "redeploy", " to:v1.5", "v1.5", "start new", toAlone, toSucceeded, details);
            TestCatalog.removeEnvironment(env);
        }
        report.put("rounds", rounds).put("details", details);
        for (String k : toAlone.keySet()) {
            Bench.Stats alone = Bench.Stats.of(toAlone.get(k));
            Bench.Stats all = Bench.Stats.of(toSucceeded.get(k));
            report.put(k + "ToServingAloneMs", alone).put(k + "ToSucceededMs", all);
            String what = switch (k) {
                case "warm" -> "warm (hot standby: a switch)";
                case "kept" -> "from a kept stopped container";
                default -> "by redeploy (container removed)";
            };
            report.row(what + ": /rollback → previous version serves alone", alone.text(" ms"), null)
                    .row(what + ": /rollback → SUCCEEDED", all.text(" ms"), null);
        }
        report.write();
    }

    private void measure(DeployDriver driver, String env, String kind, String to, String expected, String startStep,
                         Map<String, List<Double>> toAlone, Map<String, List<Double>> toSucceeded,
                         List<Map<String, Object>> details) {
        Instant asked = Instant.now();
        DeploymentView d = driver.awaitEnd(driver.request("bob", "/rollback backend " + env + to));
        assertThat(d.status()).as("%s %s: %s %s", kind, d.id(), d.detail(), d.steps()).isEqualTo("SUCCEEDED");
        assertThat(d.version()).isEqualTo(expected);
        List<String> steps = d.steps().stream().map(DeployDriver.Step::name).toList();
        if (kind.equals("warm")) {
            assertThat(steps).as("a switch only").doesNotContain("start new", "start kept", "wait healthy");
        } else {
            assertThat(steps).as(kind).contains(startStep);
        }
        assertThat(driver.servingVersions("backend", env)).containsExactly(expected);
        double alone = Duration.between(asked, d.step("switch traffic").finishedAt()).toNanos() / 1e6;
        double all = Duration.between(asked, d.finishedAt()).toNanos() / 1e6;
        toAlone.get(kind).add(alone);
        toSucceeded.get(kind).add(all);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", kind);
        row.put("deployment", d.id());
        row.put("toServingAloneMs", alone);
        row.put("toSucceededMs", all);
        Map<String, Double> took = new LinkedHashMap<>();
        d.steps().forEach(s -> took.put(s.name(), s.took().toNanos() / 1e6));
        row.put("stepsMs", took);
        details.add(row);
        System.out.println("rollback " + row);
    }
}
