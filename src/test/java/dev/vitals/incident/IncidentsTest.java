package dev.vitals.incident;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.core.type.TypeReference;

/**
 * Incidents through the console, the HTTP API and the real engine. Time-dependent behaviour (escalation)
 * is driven by handing the incident timer the instant it should act at, instead of waiting 15 minutes.
 */
class IncidentsTest extends VitalsIntegrationTest {
    private static final Pattern INCIDENT = Pattern.compile("\\b(I-\\d+)\\b");

    @Autowired
    Incidents incidents;

    private DeployDriver driver;

    @BeforeEach
    void driver() {
        driver = new DeployDriver(console, runtime, catalog);
    }

    @Test
    void anOpenedIncidentHasACardAThreadAndOnePingAndAnUnacknowledgedP0EscalatesOnceButAnAcknowledgedOneNot() {
        // given alice opens a P0 on backend
        String env = TestCatalog.stagingEnvironment();
        String id = incidentId(console.ask("alice", "deploys", "/incident open P0 EMR login fails service:backend env:" + env));

        // then its card is in #incidents with severity, status and deadline, and it has a thread with one on-call ping
        Msg card = card(id);
        assertThat(card.text()).contains(id).contains("P0").contains("OPEN").contains("acknowledge by")
                .contains("EMR login fails").contains("backend");
        assertThat(card.threadId()).isNotNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> !console.thread(card.threadId()).isEmpty());
        assertThat(pings("@on-call", card)).isEqualTo(1);
        Map<String, Object> opened = incident(id);
        assertThat(opened.get("threadId")).isEqualTo(card.threadId());
        Instant openedAt = Instant.parse((String) opened.get("openedAt"));
        assertThat(Instant.parse((String) opened.get("ackDeadline"))).isEqualTo(openedAt.plus(Duration.ofMinutes(15)));

        // and what people write in its thread goes into its timeline, redacted and inert, with nothing said back
        console.sayInThread("alice", card.threadId(), "502s from the login page @everyone since " + TestCatalog.SECRET);
        Map<String, Object> said = await().atMost(Duration.ofSeconds(10)).until(() -> timeline(id).stream()
                .filter(e -> e.get("kind").equals("message")).findFirst().orElse(null), java.util.Objects::nonNull);
        assertThat((String) said.get("text")).startsWith("alice: 502s from the login page @\u200Beveryone since")
                .doesNotContain(TestCatalog.SECRET);

        // when its 15 minutes pass unacknowledged (and the timer runs again later)
        incidents.runDue(openedAt.plus(Duration.ofMinutes(15)).minusSeconds(5));
        assertThat(incident(id).get("escalatedTo")).isNull();
        incidents.runDue(openedAt.plus(Duration.ofMinutes(15)).plusSeconds(1));
        incidents.runDue(openedAt.plus(Duration.ofMinutes(20)));

        // then it escalated exactly once, to the next step of the chain, recorded and said in its thread
        assertThat(incident(id).get("escalatedTo")).isEqualTo("incident-commander");
        assertThat(timeline(id).stream().filter(e -> e.get("kind").equals("escalation")).count()).isEqualTo(1);
        assertThat(pings("@incident-commander", card)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> card(id).text().contains("Escalated to: incident-commander"));

        // and while it stays open, its thread is reminded to post an update when the 30-minute cadence passes, once
        incidents.runDue(openedAt.plus(Duration.ofMinutes(30)).plusSeconds(1));
        incidents.runDue(openedAt.plus(Duration.ofMinutes(31)));
        assertThat(timeline(id).stream().filter(e -> e.get("kind").equals("reminder")).count()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> reminders(card) == 1);

        // given another P0, acknowledged by bob in its thread
        String other = incidentId(console.ask("bob", "deploys", "/incident open P0 Scheduling down env:" + env));
        Msg otherCard = card(other);
        console.sayInThread("bob", otherCard.threadId(), "/incident ack");
        await().atMost(Duration.ofSeconds(10)).until(() -> incident(other).get("status").equals("ACKNOWLEDGED"));
        Instant otherOpened = Instant.parse((String) incident(other).get("openedAt"));

        // when its 15 minutes pass
        incidents.runDue(otherOpened.plus(Duration.ofMinutes(16)));

        // then nothing escalates, bob is its commander, and its card says who acknowledged it
        assertThat(incident(other).get("escalatedTo")).isNull();
        assertThat(incident(other).get("commander")).isEqualTo("bob");
        assertThat(timeline(other)).noneMatch(e -> e.get("kind").equals("escalation"));
        await().atMost(Duration.ofSeconds(5)).until(() -> card(other).text().contains("ACKNOWLEDGED by bob"));
        // and outside a thread, without an id, a command lists the open incidents to choose from
        assertThat(console.ask("erin", "deploys", "/incident ack")).contains("Which incident?").contains(id);

        // and once resolved, its post-mortem has what was said in the thread, and no reminder comes any more
        assertThat(console.ask("erin", "deploys", "/incident resolve \"login fixed\" id:" + id)).contains(id + " is resolved");
        assertThat((String) incident(id).get("postmortem")).contains("alice: 502s from the login page");
        incidents.runDue(openedAt.plus(Duration.ofMinutes(62)));
        assertThat(timeline(id).stream().filter(e -> e.get("kind").equals("reminder")).count()).isEqualTo(1);
        assertThat(reminders(card)).isEqualTo(1);

        // and the audit trail has each of their state changes, with who made it (the second, still open when the
        // timer ran at the 62nd minute, was reminded once too)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(console.auditAbout(id).stream()
                .map(e -> e.get("action") + " by " + e.get("actor")).toList()).containsExactly(
                "incident.opened by alice", "incident.escalation by vitals", "incident.reminder by vitals",
                "incident.resolved by erin"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(console.auditAbout(other).stream()
                .map(e -> e.get("action") + " by " + e.get("actor")).toList()).containsExactly(
                "incident.opened by bob", "incident.ack by bob", "incident.reminder by vitals"));
    }

    private long reminders(Msg card) {
        return console.thread(card.threadId()).stream().filter(m -> m.text().startsWith("⏰ ")).count();
    }

    @Test
    void aFailedProductionDeploymentOpensALinkedP1AndResolvingItAttachesAPostMortemWithTheDeployment() {
        // given a production deployment of leaky, signed off, whose snapshot hook fails
        String env = TestCatalog.pagingEnvironment();
        String d = driver.request("alice", "/deploy leaky v1.4 " + env);
        console.ask("bob", "deploys", "/approve " + d);
        DeploymentView failed = driver.awaitEnd(d);
        assertThat(failed.status()).isEqualTo("FAILED");

        // then a P1 opens, linked to it, and each thread names the other
        Map<String, Object> p1 = awaitIncident(i -> ((List<?>) i.get("deployments")).contains(d));
        String id = (String) p1.get("id");
        assertThat(p1).containsEntry("severity", "P1").containsEntry("source", "deployment")
                .containsEntry("service", "leaky").containsEntry("environment", env);
        driver.awaitThreadContains(failed, id);
        Msg card = card(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> threadText(card).contains("Linked deployment " + d));
        assertThat(pings("@on-call", card)).isEqualTo(1);

        // when erin resolves it by id from another channel
        String reply = console.ask("erin", "deploys", "/incident resolve \"snapshot credentials fixed\" id:" + id);
        assertThat(reply).contains(id + " is resolved");

        // then a post-mortem draft is attached with the timeline and the deployment in the window, with its steps
        Map<String, Object> resolved = incident(id);
        assertThat(resolved.get("status")).isEqualTo("RESOLVED");
        String pm = (String) resolved.get("postmortem");
        assertThat(pm).contains("# Post-mortem: " + id).contains("## Timeline").contains("opened")
                .contains("resolved by erin").contains("## Deployments in the window").contains(d)
                .contains("snapshot hook: FAILED").contains("Time to resolve").contains("## Root cause")
                .contains("## Action items").doesNotContain(TestCatalog.SECRET);
        await().atMost(Duration.ofSeconds(10)).until(() -> console.thread(card.threadId()).stream()
                .anyMatch(m -> m.attachments() != null && m.attachments().stream()
                        .anyMatch(a -> a.name().equals("postmortem-" + id + ".md"))));
        await().atMost(Duration.ofSeconds(5)).until(() -> card(id).text().contains("RESOLVED"));
    }

    @Test
    void anOpenP1OnAServiceBlocksItsDeploysAtPreflightButNotARollback() {
        // given backend ran v1.4 then v1.5, and a P1 is open on it
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "backend", "v1.4", env);
        driver.deployed("alice", "backend", "v1.5", env);
        String id = incidentId(console.ask("bob", "deploys", "/incident open P1 Checkout errors service:backend env:" + env));

        // when alice deploys v1.4
        DeploymentView blocked = driver.awaitEnd(driver.request("alice", "/deploy backend v1.4 " + env));

        // then preflight refuses it, naming the incident, and v1.5 still serves
        assertThat(blocked.status()).isEqualTo("FAILED");
        assertThat(blocked.step("preflight").status()).isEqualTo("FAILED");
        assertThat(blocked.step("preflight").detail()).contains(id).contains("Only rollbacks run");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.5");

        // when she rolls back instead
        DeploymentView back = driver.awaitEnd(driver.request("alice", "/rollback backend " + env));

        // then the rollback runs, and both are in the incident's timeline and linked to it
        assertThat(back.status()).isEqualTo("SUCCEEDED");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4");
        await().atMost(Duration.ofSeconds(10)).until(() -> ((List<?>) incident(id).get("deployments"))
                .containsAll(List.of(blocked.id(), back.id())));
    }

    @Test
    void aLiveContainerMadeUnhealthyOpensAnIncidentWithinSecondsAndItsRecoveryGoesIntoTheTimeline() {
        // given backend v1.4 live in a production-like environment
        String env = TestCatalog.pagingEnvironment();
        String d = driver.request("alice", "/deploy backend v1.4 " + env);
        console.ask("bob", "deploys", "/approve " + d);
        DeploymentView live = driver.awaitEnd(d);
        assertThat(live.status()).as(live.detail() + " " + live.steps()).isEqualTo("SUCCEEDED");
        String container = driver.serving("backend", env).getFirst().name();

        // when its health check starts failing
        Instant broken = Instant.now();
        DockerCli.run("docker", "exec", container, "/bin/busybox", "rm", "/www/health");

        // then an incident opens within seconds, linked to the deployment that started it
        Map<String, Object> incident = awaitIncident(i -> "health".equals(i.get("source"))
                && env.equals(i.get("environment")));
        System.out.println("MEASURED: incident for an unhealthy live container "
                + Duration.between(broken, Instant.now()).toMillis() + " ms after its check began to fail");
        String id = (String) incident.get("id");
        assertThat(incident).containsEntry("severity", "P1").containsEntry("service", "backend");
        assertThat(incident.get("deployments")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).contains(d);

        // and when it recovers, that is in its timeline
        DockerCli.run("docker", "exec", container, "/bin/busybox", "sh", "-c", "echo ok > /www/health");
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> timeline(id).stream()
                .anyMatch(e -> String.valueOf(e.get("text")).contains("turned healthy again")));
    }

    @Test
    void aLiveContainerThatTurnedUnhealthyWhileTheEngineWasOutOfReachOpensAnIncidentOnceItIsBack() {
        // given backend v1.4 live in a paging environment whose engine Vitals reaches through a cuttable line
        String env = TestCatalog.flakyPagingEnvironment();
        try {
            DeploymentView live = driver.deployed("alice", "backend", "v1.4", env);
            String container = driver.serving("backend", env).getFirst().name();

            // when the line is cut, its health check starts failing meanwhile, and the line comes back
            TestCatalog.flakyEngine().cut();
            try {
                DockerCli.run("docker", "exec", container, "/bin/busybox", "rm", "/www/health");
                await().atMost(Duration.ofSeconds(30)).until(() -> DockerCli.run("docker", "inspect", "-f",
                        "{{.State.Health.Status}}", container).strip().equals("unhealthy"));
            } finally {
                TestCatalog.flakyEngine().restore();
            }

            // then the stream is opened anew and what it missed opens the incident, linked to the deployment
            Map<String, Object> incident = awaitIncident(i -> "health".equals(i.get("source"))
                    && env.equals(i.get("environment")));
            assertThat(incident).containsEntry("severity", "P1").containsEntry("service", "backend");
            assertThat(incident.get("deployments")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                    .contains(live.id());
        } finally {
            TestCatalog.removeEnvironment(env);
        }
    }

    private String incidentId(String reply) {
        Matcher m = INCIDENT.matcher(reply);
        assertThat(m.find()).as("an incident id in: " + reply).isTrue();
        return m.group(1);
    }

    private Msg card(String id) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> console.channel("incidents").stream()
                .filter(m -> m.text().startsWith("🚨 Incident " + id + " ")).findFirst().orElse(null),
                java.util.Objects::nonNull);
    }

    private String threadText(Msg card) {
        return String.join("\n", console.thread(card.threadId()).stream().map(Msg::text).toList());
    }

    /** How many messages of the incident (its card and thread) carry the mention. */
    private long pings(String mention, Msg card) {
        long inCard = card(INCIDENT.matcher(card.text()).results().findFirst().orElseThrow().group(1)).text()
                .contains(mention) ? 1 : 0;
        return inCard + console.thread(card.threadId()).stream().filter(m -> m.text().contains(mention)).count();
    }

    Map<String, Object> incident(String id) {
        var r = console.get("/api/incidents/" + id);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return console.read(r.body(), new TypeReference<Map<String, Object>>() { });
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> timeline(String id) {
        return (List<Map<String, Object>>) incident(id).get("timeline");
    }

    private Map<String, Object> awaitIncident(java.util.function.Predicate<Map<String, Object>> match) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> console
                .read(console.get("/api/incidents").body(), new TypeReference<List<Map<String, Object>>>() { })
                .stream().filter(match).findFirst().orElse(null), java.util.Objects::nonNull);
    }
}
