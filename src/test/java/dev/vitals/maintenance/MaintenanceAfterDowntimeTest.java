package dev.vitals.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient;
import dev.vitals.ConsoleClient.Msg;
import dev.vitals.MovableClock;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsApplication;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import tools.jackson.core.type.TypeReference;

/**
 * Vitals stopped and started again on the same embedded database, in this JVM, with a clock the test
 * moves forward while it is down: what came due meanwhile is found in PostgreSQL when it is back.
 */
class MaintenanceAfterDowntimeTest {
    private static final Pattern WINDOW = Pattern.compile("\\b(M-\\d+)\\b");
    /** The clock both runs of Vitals read; set before each start. */
    static volatile Clock clock;

    @Configuration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        Clock movedClock() {
            return clock;
        }
    }

    @AfterAll
    static void giveBackEnvironments() {
        TestCatalog.releaseEnvironments();
    }

    @Test
    void aReminderMissedWhileVitalsWasDownIsSentOnceMarkedLateAndAWindowThatEndedMeanwhileIsClosedAtStart() {
        MovableClock moving = new MovableClock();
        clock = moving;
        Path home = Path.of("target", "test-" + TestCatalog.RUN, "downtime-home").toAbsolutePath();
        String env = TestCatalog.stagingEnvironment();
        String scheduled;
        String running;
        try (ConfigurableApplicationContext first = start(home)) {
            ConsoleClient console = new ConsoleClient(port(first));
            // given a window for frontend in an hour (its reminder is due in 30 minutes) and one running for backend
            scheduled = windowId(console.ask("bob", "deploys",
                    "/maintenance schedule in 1h 30m \"network switch\" services:frontend env:" + env));
            running = windowId(console.ask("bob", "deploys",
                    "/maintenance start 20m \"database upgrade\" services:backend env:" + env));
            awaitNotice(console, running, "has started");
        }

        // when Vitals is down for 40 minutes (the reminder's time and the running window's end pass) and starts again
        moving.advance(Duration.ofMinutes(40));
        try (ConfigurableApplicationContext second = start(home)) {
            ConsoleClient console = new ConsoleClient(port(second));

            // then the window that ended meanwhile is closed with its completion notice, marked late
            Msg completion = awaitNotice(console, running, "is complete");
            assertThat(completion.text()).startsWith("(Sent late");
            assertThat(window(console, running).get("status")).isEqualTo("ENDED");
            // and the missed reminder is sent, marked late, once
            Msg reminder = awaitNotice(console, scheduled, "Reminder: maintenance " + scheduled + " starts in 20 minutes");
            assertThat(reminder.text()).startsWith("(Sent late: this notice was due at");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() ->
                    notices(console, scheduled).stream().filter(m -> m.text().contains("Reminder")).count() == 1);
            assertThat(notices(window(console, scheduled))).containsExactly("scheduled:false", "reminder:true");
            assertThat(notices(window(console, running))).containsExactly("start:false", "completion:true");
        }
    }

    /** Keeps its database across runs (a fresh one is wiped when it stops); the home is new to this test run. */
    private static ConfigurableApplicationContext start(Path home) {
        // As arguments: they come before application.yml, as the test context's dynamic properties do.
        return new SpringApplicationBuilder(VitalsApplication.class, TestClock.class).run(
                "--server.port=0",
                "--vitals.catalog=" + TestCatalog.file().toAbsolutePath(),
                "--vitals.data-dir=" + home,
                "--vitals.embedded-database.fresh=false",
                "--vitals.scheduler-interval=1s",
                "--vitals.reconcile-interval=1s",
                "--vitals.event-retry-interval=2s");
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static String windowId(String reply) {
        Matcher m = WINDOW.matcher(reply);
        if (!m.find()) {
            throw new AssertionError("no window id in: " + reply);
        }
        return m.group(1);
    }

    private static List<Msg> notices(ConsoleClient console, String id) {
        Pattern mentions = Pattern.compile("\\b" + id + "\\b");
        return console.channel("announcements").stream()
                .filter(m -> m.author().equals("vitals") && mentions.matcher(m.text()).find()).toList();
    }

    private static Msg awaitNotice(ConsoleClient console, String id, String text) {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> notices(console, id).stream().anyMatch(m -> m.text().contains(text)));
        return notices(console, id).stream().filter(m -> m.text().contains(text)).findFirst().orElseThrow();
    }

    private static Map<String, Object> window(ConsoleClient console, String id) {
        return console.read(console.get("/api/maintenance").body(), new TypeReference<List<Map<String, Object>>>() { })
                .stream().filter(w -> w.get("id").equals(id)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<String> notices(Map<String, Object> window) {
        return ((List<Map<String, Object>>) window.get("notices")).stream()
                .map(n -> n.get("kind") + ":" + n.get("late")).toList();
    }
}
