package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.TestCatalog;
import dev.vitals.catalog.Catalog;
import dev.vitals.chat.discord.FakeDiscord;
import dev.vitals.deploy.ContainerRuntime;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.Deployments;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Streaming: rounds of 20 concurrent deployments (20 environments, one shared {@code deploys} channel)
 * requested with {@code /deploy} through the Discord adapter — the real JDA against the in-process fake
 * Discord, which enforces Discord's per-channel limits and answers 429 beyond them. Counts the 429s and
 * measures, per deployment, the lag from its terminal status being recorded to its card showing it.
 */
@Tag("bench")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StreamingBench {
    private static final String TOKEN = "MTA-fake-bot-token." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private static final FakeDiscord discord = new FakeDiscord(TOKEN, List.of("deploys", "announcements", "incidents"),
            List.of("Deployers", "Approvers"));
    private static final FakeDiscord.Member bob = discord.member("bob", "Deployers", "Approvers");
    private static final Pattern ID = Pattern.compile("\\b(D-\\d+)\\b");
    private static final int CONCURRENT = 20;

    @Autowired
    Catalog catalog;
    @Autowired
    ContainerRuntime runtime;
    @Autowired
    Deployments deployments;

    @DynamicPropertySource
    static void discord(DynamicPropertyRegistry registry) {
        registry.add("vitals.catalog", () -> TestCatalog.file().toAbsolutePath().toString());
        registry.add("vitals.data-dir", () -> java.nio.file.Path.of("target", "test-" + TestCatalog.RUN, "bench-streaming")
                .toAbsolutePath().toString());
        registry.add("vitals.embedded-database.fresh", () -> "true");
        registry.add("DISCORD_TOKEN", () -> TOKEN);
        registry.add("VITALS_DISCORD_GUILD", () -> discord.guildId);
        registry.add("VITALS_DISCORD_API_URL", discord::apiUrl);
        registry.add("VITALS_DISCORD_GATEWAY_URL", discord::gatewayUrl);
        registry.add("vitals.discord.roles.deployer[0]", () -> "Deployers");
        registry.add("vitals.discord.roles.approver[0]", () -> "Approvers");
    }

    @AfterAll
    static void giveBackEnvironments() {
        TestCatalog.releaseEnvironments();
        discord.close();
    }

    @Test
    void twentyConcurrentDeploymentsThroughDiscord() {
        int rounds = Bench.n("streaming", 3, 1);
        Bench.Report report = new Bench.Report("streaming", "streaming: " + CONCURRENT
                + " concurrent deployments through the Discord adapter (fake Discord with Discord's limits)");
        List<String> envs = IntStream.range(0, CONCURRENT).mapToObj(i -> TestCatalog.stagingEnvironment()).toList();
        var engine = catalog.environments().get(envs.getFirst()).engine();
        await().atMost(Duration.ofMinutes(2)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(engine, i.ref()).isPresent()));
        await().atMost(Duration.ofSeconds(60)).until(() -> discord.connected() && discord.registeredCommands() != null);

        List<Double> lags = new ArrayList<>();
        List<Double> roundTimes = new ArrayList<>();
        int limitedBefore = discord.tooManyRequests.get();
        int reached = 0;
        Map<String, Integer> ended = new java.util.TreeMap<>();
        for (int round = 0; round < rounds; round++) {
            String version = round % 2 == 0 ? "v1.4" : "v1.5";
            long began = System.nanoTime();
            List<FakeDiscord.Interaction> typed = envs.stream().map(env -> discord.slash(bob, "deploys", "deploy", null,
                    Map.of("service", "backend", "version", version, "env", env))).toList();
            List<String> ids = typed.stream().map(StreamingBench::deploymentIn).toList();
            for (String id : ids) {
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                        .until(() -> deployments.find(id).orElseThrow().status().terminal());
                Deployment done = deployments.find(id).orElseThrow();
                ended.merge(done.status().name(), 1, Integer::sum);
                if (!done.status().name().equals("SUCCEEDED")) {
                    System.out.printf("streaming: %s ended %s: %s%n", id, done.status(), done.detail());
                }
                FakeDiscord.Msg card = card(id);
                String word = " · " + done.status().name();
                await().atMost(Duration.ofMinutes(3)).until(() -> card.firstShowing(word).isPresent());
                lags.add(Bench.ms(Duration.between(done.finishedAt(), card.firstShowing(word).orElseThrow()).toNanos()));
                reached++;
            }
            roundTimes.add(Bench.ms(System.nanoTime() - began) / 1000.0);
            System.out.printf("streaming round %d/%d: %d deployments, %.1f s%n", round + 1, rounds, CONCURRENT,
                    roundTimes.getLast());
        }
        int limited = discord.tooManyRequests.get() - limitedBefore;
        Bench.Stats lag = Bench.Stats.of(lags);
        report.put("rounds", rounds).put("concurrent", CONCURRENT).put("finalStatusesOnCards", reached)
                .put("tooManyRequests", limited).put("ended", ended).put("finalStatusLagMs", lag).put("roundSeconds", Bench.Stats.of(roundTimes));
        report.row("429 answers from Discord", limited + " (" + reached + " of " + rounds * CONCURRENT
                        + " final statuses on their cards; ended " + ended + ")", "0")
                .row("terminal status recorded → shown on its card", lag.percentiles(" ms"), null)
                .row("a round of " + CONCURRENT + " deployments, first request → last card", Bench.Stats.of(roundTimes)
                        .percentiles(" s"), null)
                .write();
        assertThat(reached).isEqualTo(rounds * CONCURRENT);
    }

    /** The deployment id in the answer to a slash command (the deferred reply, edited). */
    private static String deploymentIn(FakeDiscord.Interaction typed) {
        await().atMost(Duration.ofSeconds(60)).until(() -> typed.original != null && ID.matcher(typed.original.content()).find()
                || !typed.followUps.isEmpty());
        String answer = typed.original != null ? typed.original.content() : typed.followUps.getFirst().content();
        Matcher m = ID.matcher(answer);
        assertThat(m.find()).as("a deployment id in the answer: " + answer).isTrue();
        return m.group(1);
    }

    private static FakeDiscord.Msg card(String id) {
        await().atMost(Duration.ofSeconds(60)).until(() -> findCard(id).isPresent());
        return findCard(id).orElseThrow();
    }

    private static Optional<FakeDiscord.Msg> findCard(String id) {
        return discord.messagesIn("deploys").stream().filter(m -> m.embeds().size() == 1
                && m.embeds().get(0).path("title").asString("").startsWith(id + " ·")).findFirst();
    }
}
