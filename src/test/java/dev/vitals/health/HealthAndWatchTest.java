package dev.vitals.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient.Msg;
import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.DockerCli;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.core.type.TypeReference;

/**
 * {@code /health} and the post-deploy watch on the real engine. The watch keeps seed 001's schedule (first
 * check 30 minutes after the deploy); the test hands its timer the instants a check is due at.
 */
class HealthAndWatchTest extends VitalsIntegrationTest {
    @Autowired
    PostDeployWatch watch;

    @Test
    void healthAnswersNowAndTheWatchChecksOnScheduleStopsWhenReplacedAndOpensAnIncidentWhenAServiceFails() {
        String env = TestCatalog.stagingEnvironment();
        DeployDriver driver = new DeployDriver(console, runtime, catalog);
        DeploymentView v14 = driver.deployed("alice", "backend", "v1.4", env);

        // /health answers now, for anyone, with a summary, and in its thread the engine's state of each serving
        // container and its last health check results
        long asked = Long.parseLong(console.say("dave", "deploys", "/health backend " + env));
        Msg health = console.awaitMessage("deploys", asked, m -> m.author().equals("vitals") && m.threadId() != null
                && m.text().contains("details in the thread"));
        assertThat(health.text()).contains("healthy: backend v1.4 in " + env);
        String details = await().atMost(Duration.ofSeconds(10)).until(() -> String.join("\n",
                console.thread(health.threadId()).stream().map(Msg::text).toList()), t -> t.contains("healthy, running"));
        assertThat(details).contains("✅").contains("Last health check results of").contains(" exit 0");

        // the watch of v1.4 started, and checks at its first slot (30 minutes), not before
        Instant first = firstCheck(v14);
        assertThat(first).isAfter(v14.finishedAt().plus(Duration.ofMinutes(29)))
                .isBefore(v14.finishedAt().plus(Duration.ofMinutes(31)));
        assertThat(watch.runDue(first.minusSeconds(60), env)).isZero();
        assertThat(watch.runDue(first.plusSeconds(1), env)).isEqualTo(1);
        driver.awaitThreadContains(v14, "💚 watch check 1");
        assertThat(driver.threadText(v14)).contains("every 30m until 4h")
                .contains("Next check at " + first.plus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS));

        // a newer deployment replaces v1.4: its watch stops
        DeploymentView v15 = driver.deployed("alice", "backend", "v1.5", env);
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.state(v14.id()).orElseThrow().status().equals("REPLACED"));
        assertThat(watch.state(v14.id()).orElseThrow().nextAt()).isNull();
        Instant v15first = firstCheck(v15);

        // when v1.5's container stops and its first check comes
        DockerCli.run("docker", "stop", "-t", "1", driver.serving("backend", env).getFirst().name());
        assertThat(watch.runDue(v15first.plusSeconds(1), env)).isEqualTo(1);

        // then the check says so in v1.5's thread, and an incident linked to v1.5 opens, offering /rollback
        driver.awaitThreadContains(v15, "🔴 watch check 1");
        Map<String, Object> incident = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> console.read(console.get("/api/incidents").body(),
                                new TypeReference<List<Map<String, Object>>>() { }).stream()
                        .filter(i -> ((List<?>) i.get("deployments")).contains(v15.id())).findFirst().orElse(null),
                        java.util.Objects::nonNull);
        assertThat(incident).containsEntry("source", "health").containsEntry("service", "backend");
        String id = (String) incident.get("id");
        Msg card = await().atMost(Duration.ofSeconds(10)).until(() -> console.channel("incidents").stream()
                .filter(m -> m.text().startsWith("🚨 Incident " + id + " ")).findFirst().orElse(null),
                java.util.Objects::nonNull);
        assertThat(card.text()).contains("/rollback backend " + env);
        assertThat(console.ask("dave", "deploys", "/health backend " + env)).contains("UNHEALTHY");
    }

    private Instant firstCheck(DeploymentView d) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> watch.state(d.id()).map(PostDeployWatch.State::nextAt)
                .orElse(null), java.util.Objects::nonNull);
    }
}
