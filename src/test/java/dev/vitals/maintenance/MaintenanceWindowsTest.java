package dev.vitals.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient;
import dev.vitals.ConsoleClient.Msg;
import dev.vitals.catalog.Catalog;
import dev.vitals.deploy.ContainerRuntime;
import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.DockerCli;
import dev.vitals.deploy.Labels;
import dev.vitals.MovableClock;
import dev.vitals.TestCatalog;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.component.VEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.core.type.TypeReference;

/**
 * Maintenance windows through the console, the HTTP API and the real engine, with a clock the test moves
 * to each moment a notice is due instead of waiting for it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(MovableClock.Config.class)
class MaintenanceWindowsTest {
    private static final Pattern WINDOW = Pattern.compile("\\b(M-\\d+)\\b");

    @Autowired
    MovableClock clock;

    @LocalServerPort
    int port;
    @Autowired
    Catalog catalog;
    @Autowired
    ContainerRuntime runtime;

    private ConsoleClient console;
    private DeployDriver driver;

    /**
     * As {@link dev.vitals.VitalsIntegrationTest} sets up the shared context, but this context (with its own
     * clock) lives beside that one, so it has an embedded PostgreSQL of its own.
     */
    @DynamicPropertySource
    static void vitals(DynamicPropertyRegistry registry) {
        registry.add("vitals.catalog", () -> TestCatalog.file().toAbsolutePath().toString());
        registry.add("vitals.data-dir",
                () -> Path.of("target", "test-" + TestCatalog.RUN, "maintenance").toAbsolutePath().toString());
        registry.add("vitals.embedded-database.fresh", () -> "true");
        registry.add("vitals.scheduler-interval", () -> "1s");
        registry.add("vitals.reconcile-interval", () -> "1s");
        registry.add("vitals.event-retry-interval", () -> "2s");
    }

    @AfterAll
    static void giveBackEnvironments() {
        TestCatalog.releaseEnvironments();
    }

    @BeforeEach
    void realEngineAndImages() {
        var engine = catalog.environments().get(TestCatalog.RUN + "-s1").engine();
        runtime.ping(engine);
        await().atMost(Duration.ofMinutes(2)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(engine, i.ref()).isPresent()));
        console = new ConsoleClient(port);
        driver = new DeployDriver(console, runtime, catalog);
    }

    @Test
    void startByErinThroughTheConsolePostsANoticeInAnnouncementsWithinASecond() {
        // when erin starts a window as the issue types it
        String reply = console.ask("erin", "deploys", "/maintenance start 20m \"database upgrade\"");
        Instant replied = Instant.now();

        // then the reply names the window, and its start notice is in announcements within a second
        String id = windowId(reply);
        assertThat(reply).contains("has started");
        await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> notices(id).stream().anyMatch(m -> m.text().contains("has started")));
        System.out.println("MEASURED: start notice seen " + Duration.between(replied, Instant.now()).toMillis()
                + " ms after the reply");
        String notice = notices(id).getFirst().text();
        // written for clinicians: what, until when in local time, for how long, what to do; no container names
        assertThat(notice).contains("database upgrade").contains("20 minutes").contains("(UTC)")
                .contains("What to do meanwhile").doesNotContain("vitals-").doesNotContain("-backend-")
                .doesNotContain("sha256");
        assertThat(window(id).get("status")).isEqualTo("ACTIVE");

        // and ending it at once posts the completion notice and closes it
        assertThat(console.ask("erin", "deploys", "/maintenance end " + id)).contains(id + " has ended");
        await().atMost(Duration.ofSeconds(5)).until(() -> notices(id).stream()
                .anyMatch(m -> m.text().contains("is complete") && m.text().contains("No changes were made")));
        assertThat(window(id).get("status")).isEqualTo("ENDED");
    }

    @Test
    void noticesGoOutInOrderFromScheduleThroughRemindersStartAndEndingSoonToCompletion() {
        // given bob schedules a window for backend in two hours
        String env = TestCatalog.stagingEnvironment();
        String reply = console.ask("bob", "deploys", "/maintenance schedule in 2h 40m \"kernel patch\" services:backend env:"
                + env);
        String id = windowId(reply);
        Instant start = Instant.parse((String) window(id).get("start"));
        Instant end = Instant.parse((String) window(id).get("end"));
        awaitNotice(id, "Planned maintenance");

        // when the clock reaches the reminder (30m before; the 1d reminder was already past), the start,
        // a deploy inside the window, ending-soon (10m before the end) and the end
        clock.moveTo(start.minus(Duration.ofMinutes(30)));
        awaitNotice(id, "Reminder: maintenance " + id + " starts in 30 minutes");
        clock.moveTo(start);
        awaitNotice(id, "has started");
        await().atMost(Duration.ofSeconds(5)).until(() -> window(id).get("status").equals("ACTIVE"));
        driver.deployed("alice", "backend", "v1.4", env);
        clock.moveTo(end.minus(Duration.ofMinutes(10)));
        awaitNotice(id, "is due to end in 10 minutes");
        clock.moveTo(end);
        awaitNotice(id, "is complete");

        // then announcements holds them in order, none late, and the completion names the deploy and its outcome
        List<String> texts = notices(id).stream().map(Msg::text).toList();
        assertThat(texts).hasSize(5);
        assertThat(texts.get(0)).contains("Status: COMPLETE").contains("Planned maintenance " + id);
        assertThat(texts.get(1)).contains("Reminder");
        assertThat(texts.get(2)).contains("has started");
        assertThat(texts.get(3)).contains("is due to end");
        assertThat(texts.get(4)).contains("is complete").contains("backend updated to v1.4: completed successfully");
        assertThat(texts).noneMatch(t -> t.contains("Sent late"));
        Map<String, Object> w = window(id);
        assertThat(w.get("status")).isEqualTo("ENDED");
        assertThat(kinds(w)).containsExactly("scheduled", "reminder", "start", "ending-soon", "completion");
        assertThat(lates(w)).containsOnly(false);
        // and the audit log has the window's changes and each notice
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(console.auditAbout(id))
                .extracting(e -> e.get("action") + ":" + e.get("after"))
                .contains("maintenance.window:SCHEDULED", "maintenance.window:ACTIVE", "maintenance.window:ENDED",
                        "maintenance.notice:scheduled", "maintenance.notice:completion"));
    }

    @Test
    void aHighRiskProductionDeployIsRefusedOutsideAWindowAndRunsInsideOne() {
        String env = TestCatalog.productionEnvironment();
        // given a high-risk request, fully signed off, with no window anywhere for backend there
        DeploymentView refused = driver.awaitEnd(signedOffHighRisk(env));

        // then preflight refuses it, saying how to open a window
        assertThat(refused.status()).isEqualTo("FAILED");
        assertThat(refused.step("preflight").detail()).contains("run only inside a maintenance window")
                .contains("None is scheduled: start one with /maintenance start <duration> <reason>");

        // when bob opens a window for backend there, the same change, signed off again, runs
        console.ask("bob", "deploys", "/maintenance start 30m \"release 1.4\" services:backend env:" + env);
        DeploymentView ran = driver.awaitEnd(signedOffHighRisk(env));
        assertThat(ran.status()).as("%s %s", ran.detail(), ran.steps()).isEqualTo("SUCCEEDED");
        assertThat(driver.servingVersions("backend", env)).containsExactly("v1.4");
    }

    @Test
    void recreateRunsOnlyInsideAWindowAndADeployScheduledIntoAnUpcomingWindowWaitsForIt() {
        String env = TestCatalog.stagingEnvironment();
        // given a window for legacy (strategy recreate) in an hour
        String id = windowId(console.ask("bob", "deploys",
                "/maintenance schedule in 1h 30m \"legacy swap\" services:legacy env:" + env));
        Instant start = Instant.parse((String) window(id).get("start"));

        // when legacy is deployed now, preflight refuses it and names the next window
        DeploymentView now = driver.awaitEnd(driver.request("alice", "/deploy legacy v1.4 " + env));
        assertThat(now.status()).isEqualTo("FAILED");
        assertThat(now.step("preflight").detail()).contains("recreate stops legacy")
                .contains("The next one, " + id + ", runs");
        assertThat(driver.all("legacy", env)).isEmpty();

        // and a deploy scheduled with at: inside the window waits for it, then runs there
        String later = driver.request("alice", "/deploy legacy v1.4 " + env + " at:+1h10m");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> driver.get(later).status().equals("SCHEDULED"));
        clock.moveTo(start.plus(Duration.ofMinutes(11)));
        DeploymentView ran = driver.awaitEnd(later);
        assertThat(ran.status()).as("%s %s", ran.detail(), ran.steps()).isEqualTo("SUCCEEDED");
        assertThat(ran.step("preflight").startedAt()).isAfter(start);
        assertThat(driver.servingVersions("legacy", env)).containsExactly("v1.4");
    }

    @Test
    void overlapsAndBadRequestsAreRefusedSayingWhatIsAcceptedAndTheCalendarFeedListsTheWindow() throws Exception {
        String env = TestCatalog.stagingEnvironment();
        int before = windows().size();
        // given a window for backend in an hour
        String id = windowId(console.ask("bob", "deploys",
                "/maintenance schedule in 1h 1h \"certificate renewal, phase 1; EMR\" services:backend env:" + env));

        // then an overlapping one for backend is refused naming it, and one for frontend alone is fine
        assertThat(console.ask("bob", "deploys", "/maintenance schedule in 90m 1h upgrade services:backend,frontend env:"
                + env)).contains("would overlap " + id).contains("Nothing was changed");
        String frontend = windowId(console.ask("bob", "deploys",
                "/maintenance schedule in 90m 1h upgrade services:frontend env:" + env));
        // and what is not accepted says what is
        assertThat(console.ask("bob", "deploys", "/maintenance start 13h upgrade env:" + env))
                .contains("longer than the 12h the catalog allows");
        assertThat(console.ask("bob", "deploys", "/maintenance start 0m upgrade env:" + env)).contains("is zero");
        assertThat(console.ask("bob", "deploys", "/maintenance schedule 2020-01-01T02:00 1h upgrade env:" + env))
                .contains("is in the past");
        assertThat(console.ask("bob", "deploys", "/maintenance start 1h upgrade services:database env:" + env))
                .contains("Unknown service 'database'. Known services:").contains("backend");
        assertThat(console.ask("bob", "deploys", "/maintenance extend " + id + " 11h30m"))
                .contains("longer than the 12h");
        assertThat(console.ask("dave", "deploys", "/maintenance start 1h upgrade env:" + env))
                .contains("needs the role maintainer");
        assertThat(windows()).hasSize(before + 2);
        // and anyone may list the windows, a deployer planning a change included
        assertThat(console.ask("alice", "deploys", "/maintenance list")).contains(id).contains(frontend)
                .contains("certificate renewal");

        // and the iCalendar feed parses with a real parser and lists the window
        String ics = console.get("/api/maintenance.ics").body();
        Calendar calendar = new CalendarBuilder().build(new StringReader(ics));
        List<VEvent> events = calendar.getComponents("VEVENT");
        VEvent event = events.stream().filter(e -> e.getUid().orElseThrow().getValue().startsWith(id.toLowerCase() + "-"))
                .findFirst().orElseThrow();
        assertThat(event.getSummary().getValue()).contains("Maintenance " + id).contains("backend");
        assertThat(event.getDescription().getValue()).contains("certificate renewal, phase 1; EMR");
        assertThat(Instant.from(event.getDateTimeStart().getDate()))
                .isEqualTo(Instant.parse((String) window(id).get("start")));

        // and an extension within the maximum is announced and moves the end
        Instant end = Instant.parse((String) window(id).get("end"));
        assertThat(console.ask("bob", "deploys", "/maintenance extend " + id + " 30m")).contains(id + " now ends");
        awaitNotice(id, "is extended by 30 minutes");
        assertThat(Instant.parse((String) window(id).get("end"))).isEqualTo(end.plus(Duration.ofMinutes(30)));

        // and a cancelled window says so in announcements and in the feed
        assertThat(console.ask("bob", "deploys", "/maintenance cancel " + frontend)).contains("is cancelled");
        awaitNotice(frontend, "is cancelled");
        Calendar after = new CalendarBuilder().build(new StringReader(console.get("/api/maintenance.ics").body()));
        assertThat(after.<VEvent>getComponents("VEVENT").stream()
                .filter(e -> e.getUid().orElseThrow().getValue().startsWith(frontend.toLowerCase() + "-"))
                .map(e -> e.getStatus().getValue())).containsExactly("CANCELLED");
    }

    /** Asks {@code paged} for /version every 50 ms: "ok <version>", "page" (503 with HTML), or "FAIL …" (no answer). */
    private static final String PROBE = "while true; do"
            + " r=$(printf 'GET /version HTTP/1.0\\r\\n\\r\\n' | /bin/busybox timeout 5 /bin/busybox nc paged 8080 2>&1);"
            + " case \"$r\" in"
            + " 'HTTP/1.0 503 '*'<html'*) echo page ;;"
            + " 'HTTP/1.'?' 200 '*) echo \"ok $(echo \"$r\" | /bin/busybox tail -n 1)\" ;;"
            + " *) echo \"FAIL $(echo \"$r\" | /bin/busybox head -n 1)\" ;;"
            + " esac; sleep 0.05; done";

    @Test
    void maintenanceModeServesThePageForTheWindowAndADeployInsideTakesOverAtItsEndWithoutAFailedRequest() {
        // given paged (a service with a maintenance page) at v1.3, and a client on the network asking it every 50 ms
        String env = TestCatalog.stagingEnvironment();
        driver.deployed("alice", "paged", "v1.3", env);
        String probe = "probe-" + env;
        DockerCli.run("docker", "run", "-d", "--init", "--name", probe, "--network", TestCatalog.network(env),
                "--label", "vitals.environment=" + env, "--entrypoint", "/bin/busybox", "vitals-demo/backend:v1.3",
                "sh", "-c", PROBE);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> probeLog(probe).contains("ok v1.3"));

            // when a window for paged starts, the page serves (503 with HTML) and v1.3 runs behind it
            String id = windowId(console.ask("bob", "deploys", "/maintenance start 30m \"kernel patch\" services:paged env:"
                    + env));
            Instant end = Instant.parse((String) window(id).get("end"));
            await().atMost(Duration.ofSeconds(60)).until(() -> probeLog(probe).contains("page"));
            assertThat(window(id).get("maintenanceMode")).isEqualTo(true);
            awaitNotice(id, "If you open paged meanwhile, you will see a page saying it is under maintenance");
            assertThat(pages(env)).singleElement().satisfies(p -> {
                assertThat(p.labels()).containsEntry(Labels.WINDOW, id).containsEntry(Labels.SERVICE, "paged");
                assertThat(p.servesAs(TestCatalog.network(env), "paged")).isTrue();
            });
            assertThat(driver.serving("paged", env)).singleElement()
                    .satisfies(c -> assertThat(c.labels()).containsEntry(Labels.ROLE, Labels.MAINTENANCE_PAGE));
            assertThat(driver.all("paged", env)).filteredOn(c -> "v1.3".equals(c.labels().get(Labels.VERSION)))
                    .singleElement().satisfies(c -> assertThat(c.running()).isTrue());

            // and a deploy of v1.4 inside the window runs its steps, then waits for the window's end, saying so
            String d = driver.request("alice", "/deploy paged v1.4 " + env);
            DeploymentView waiting = driver.awaitStep(d, "wait for window end", "RUNNING");
            driver.awaitThreadContains(waiting, "takes over when the window ends");
            await().atMost(Duration.ofSeconds(15)).until(() -> console.channel("deploys").stream()
                    .filter(m -> waiting.threadId().equals(m.threadId())).anyMatch(m -> m.text()
                            .contains("Waiting for the maintenance window to end")));
            assertThat(waiting.step("wait healthy").status()).isEqualTo("SUCCEEDED");
            assertThat(probeLog(probe)).doesNotContain("ok v1.4");

            // when the window's end comes, v1.4 takes over from the page, and the page container goes
            clock.moveTo(end);
            DeploymentView done = driver.awaitEnd(d);
            assertThat(done.status()).as("%s %s", done.detail(), done.steps()).isEqualTo("SUCCEEDED");
            assertThat(done.step("switch traffic").detail()).contains("from the maintenance page");
            await().atMost(Duration.ofSeconds(60)).until(() -> probeLog(probe).lines()
                    .filter(l -> l.equals("ok v1.4")).count() >= 10);
            assertThat(driver.servingVersions("paged", env)).containsExactly("v1.4");
            await().atMost(Duration.ofSeconds(30)).until(() -> pages(env).isEmpty());

            // and a second window, ended early with /maintenance end, puts the page up and then v1.4 back
            String second = windowId(console.ask("bob", "deploys",
                    "/maintenance start 30m \"follow-up\" services:paged env:" + env));
            int before = probeLog(probe).lines().toList().size();
            await().atMost(Duration.ofSeconds(60)).until(() -> probeLog(probe).lines().skip(before)
                    .anyMatch(l -> l.equals("page")));
            console.ask("bob", "deploys", "/maintenance end " + second);
            await().atMost(Duration.ofSeconds(60)).until(() -> pages(env).isEmpty());
            int after = probeLog(probe).lines().toList().size();
            await().atMost(Duration.ofSeconds(30)).until(() -> probeLog(probe).lines().skip(after)
                    .filter(l -> l.equals("ok v1.4")).count() >= 5);
            assertThat(driver.servingVersions("paged", env)).containsExactly("v1.4");

            // then the client never failed to get an answer: v1.3, the page, v1.4, the page, v1.4
            List<String> log = probeLog(probe).lines().toList();
            assertThat(log).filteredOn(l -> l.startsWith("FAIL")).isEmpty();
            assertThat(log.indexOf("ok v1.4")).isGreaterThan(log.indexOf("page"));
            assertThat(log.lastIndexOf("ok v1.3")).isLessThan(log.indexOf("ok v1.4"));
            System.out.printf("maintenance mode: %d probe requests (%d answered by the page), 0 failed%n", log.size(),
                    log.stream().filter(l -> l.equals("page")).count());
        } finally {
            // A window left open by a failure would put the page up again after the environment is given back.
            DockerCli.run("docker", "rm", "-f", probe);
            try {
                windows().stream().filter(w -> env.equals(w.get("environment")) && "ACTIVE".equals(w.get("status")))
                        .forEach(w -> console.ask("bob", "deploys", "/maintenance end " + w.get("id")));
                await().atMost(Duration.ofSeconds(30)).until(() -> pages(env).isEmpty());
            } catch (RuntimeException | AssertionError e) {
                System.out.println("cleaning up after the maintenance mode test: " + e);
            }
        }
    }

    private static String probeLog(String probe) {
        return DockerCli.run("docker", "logs", probe);
    }

    private List<ContainerRuntime.ContainerInfo> pages(String env) {
        return driver.all("paged", env).stream()
                .filter(c -> Labels.MAINTENANCE_PAGE.equals(c.labels().get(Labels.ROLE))).toList();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private String signedOffHighRisk(String env) {
        String id = driver.request("alice", "/deploy backend v1.4 " + env + " risk:high");
        console.ask("bob", "deploys", "/approve " + id);
        console.ask("carol", "deploys", "/approve " + id);
        String thread = driver.get(id).threadId();
        String card = console.channel("deploys").stream().filter(m -> thread.equals(m.threadId())).findFirst()
                .orElseThrow().id();
        for (String item : TestCatalog.HIGH_RISK_CHECKLIST) {
            console.click("carol", card, "checklist:" + id + ":" + item);
        }
        return id;
    }

    private static String windowId(String reply) {
        Matcher m = WINDOW.matcher(reply);
        if (!m.find()) {
            throw new AssertionError("no window id in: " + reply);
        }
        return m.group(1);
    }

    private List<Msg> notices(String id) {
        Pattern mentions = Pattern.compile("\\b" + id + "\\b");
        return console.channel("announcements").stream()
                .filter(m -> m.author().equals("vitals") && mentions.matcher(m.text()).find()).toList();
    }

    private void awaitNotice(String id, String text) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> notices(id).stream().anyMatch(m -> m.text().contains(text)));
    }

    private List<Map<String, Object>> windows() {
        return console.read(console.get("/api/maintenance").body(), new TypeReference<List<Map<String, Object>>>() { });
    }

    private Map<String, Object> window(String id) {
        return windows().stream().filter(w -> w.get("id").equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no window " + id + " in GET /api/maintenance"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> kinds(Map<String, Object> w) {
        return ((List<Map<String, Object>>) w.get("notices")).stream().map(n -> (String) n.get("kind")).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Boolean> lates(Map<String, Object> w) {
        return ((List<Map<String, Object>>) w.get("notices")).stream().map(n -> (Boolean) n.get("late")).toList();
    }
}
