package dev.vitals.bench;

import static org.awaitility.Awaitility.await;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ConsoleClient;
import dev.vitals.ConsoleClient.Msg;
import dev.vitals.DeployDriver;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Command latency in the local console over HTTP: from just before a command is posted until the
 * client reads the first answer (see {@link ConsoleWatch}) for {@code /status <env>} (an environment
 * where backend runs), {@code /help}, {@code /deploy} (a high-risk production request, until its card
 * is posted), and an approval reaction on that card (until the card shows the approval). The requests
 * are cancelled afterwards (untimed). The commands take turns, so all four see the same conditions.
 */
@Tag("bench")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CommandLatencyBench extends VitalsIntegrationTest {
    private static final Pattern ID = Pattern.compile("\\b(D-\\d+)\\b");
    private static final Duration AT_MOST = Duration.ofSeconds(30);

    @Test
    void commandsAnswerWithinTheirLatency() {
        int n = Bench.n("commands", 1000, 20);
        int cards = Math.min(n, Bench.n("cards", 300, 20));
        int warmUp = Math.max(5, n / 20);
        Bench.Report report = new Bench.Report("command-latency", "command latency (console API)");
        String staging = TestCatalog.stagingEnvironment();
        // Requests take turns over a few production environments, so a cancelled one has ended before its
        // environment's turn comes again.
        List<String> production = List.of(TestCatalog.productionEnvironment(), TestCatalog.productionEnvironment(),
                TestCatalog.productionEnvironment(), TestCatalog.productionEnvironment());
        List<String> pending = new ArrayList<>(List.of("", "", "", ""));
        new DeployDriver(console, runtime, catalog).deployed("alice", "backend", "v1.3", staging);
        Map<String, List<Double>> took = new LinkedHashMap<>();
        for (String k : List.of("status", "help", "deploy", "approval")) {
            took.put(k, new ArrayList<>());
        }
        try (ConsoleWatch watch = new ConsoleWatch(port)) {
            for (int i = -warmUp; i < n; i++) {
                double status = reply(watch, "alice", "/status " + staging, m -> m.text().contains("backend"));
                double help = reply(watch, "dave", "/help", m -> m.text().startsWith("Commands you"));
                boolean card = i < 0 || (long) i * cards / n != (long) (i + 1) * cards / n;
                double deploy = Double.NaN;
                double approval = Double.NaN;
                if (card) {
                    int slot = Math.floorMod(i, production.size());
                    awaitCancelled(watch, pending.get(slot));
                    long posted = System.nanoTime();
                    long asked = Long.parseLong(watch.console().say("alice", "deploys", "/deploy backend v1.4 "
                            + production.get(slot) + " risk:high"));
                    Msg posting = watch.await("the card", () -> watch.after("deploys", asked, "alice"),
                            m -> m.author().equals("vitals") && m.text().contains("**D-")
                                    && m.text().contains("PENDING_APPROVAL") && !m.components().isEmpty(), AT_MOST);
                    deploy = Bench.ms(System.nanoTime() - posted);
                    Matcher id = ID.matcher(posting.text());
                    assertThat(id.find()).as(posting.text()).isTrue();
                    long cardId = posting.number();
                    posted = System.nanoTime();
                    watch.console().react("bob", posting.id(), "✅");
                    watch.await("the approval on the card", () -> watch.after("deploys", cardId - 1, "bob"),
                            m -> m.number() == cardId && m.text().contains("bob as devops-lead"), AT_MOST);
                    approval = Bench.ms(System.nanoTime() - posted);
                    cancel(watch, id.group(1));
                    pending.set(slot, id.group(1));
                }
                if (i >= 0) {
                    took.get("status").add(status);
                    took.get("help").add(help);
                    if (card) {
                        took.get("deploy").add(deploy);
                        took.get("approval").add(approval);
                    }
                }
                if (i % 100 == 0) {
                    System.out.printf("command latency %d/%d: status %.1f help %.1f deploy %.1f approval %.1f ms%n", i, n,
                            status, help, deploy, approval);
                }
            }
        }
        Map<String, Bench.Stats> stats = new LinkedHashMap<>();
        took.forEach((k, v) -> stats.put(k, Bench.Stats.of(v)));
        report.put("n", n).put("cards", cards).put("warmUp", warmUp).put("statsMs", stats).put("status", "/status <one environment>")
                .put("catalog", catalog.services().size() + " services, " + catalog.environments().size() + " environments");
        report.row("/status <env> → reply", stats.get("status").percentiles(" ms"), "p99 ≤ 50 ms")
                .row("/help → reply", stats.get("help").percentiles(" ms"), "p99 ≤ 50 ms")
                .row("/deploy (production, high risk) → card posted", stats.get("deploy").percentiles(" ms"), null)
                .row("approval ✅ → card changed", stats.get("approval").percentiles(" ms"), null)
                .write();
    }

    /** Posts a command and returns the milliseconds until the client reads Vitals' first answer that matches. */
    private static double reply(ConsoleWatch watch, String user, String command, java.util.function.Predicate<Msg> match) {
        long posted = System.nanoTime();
        long asked = Long.parseLong(watch.console().say(user, "deploys", command));
        Msg m = watch.await(command, () -> watch.after("deploys", asked, user), x -> x.author().equals("vitals"), AT_MOST);
        double ms = Bench.ms(System.nanoTime() - posted);
        assertThat(match.test(m)).as("%s answered: %s", command, m.text()).isTrue();
        return ms;
    }

    /** Cancels the request so the next one there is not refused as busy (untimed). */
    private static void cancel(ConsoleWatch watch, String deployment) {
        ConsoleClient c = watch.console();
        long asked = Long.parseLong(c.say("alice", "deploys", "/cancel " + deployment));
        watch.await("/cancel", () -> watch.after("deploys", asked, "alice"), x -> x.author().equals("vitals"), AT_MOST);
    }

    private static void awaitCancelled(ConsoleWatch watch, String deployment) {
        if (deployment.isEmpty()) {
            return;
        }
        ConsoleClient c = watch.console();
        await().atMost(AT_MOST).pollInterval(Duration.ofMillis(20))
                .alias(deployment + " cancelled")
                .until(() -> c.get("/api/deployments/" + deployment).body().contains("\"CANCELLED\""));
    }
}
