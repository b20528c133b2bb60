package dev.vitals.chat.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient;
import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Vitals as a process of its own on Discord (the fake), stopped and started again on the same
 * database: its buttons keep working, and a sign-off given while it was away is not lost.
 */
class DiscordRestartTest {
    private static final String TOKEN = "MTA-restart-token." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private static final Pattern ID = Pattern.compile("\\b(D-\\d+)\\b");

    private final String first = TestCatalog.RUN + "-dr1";
    private final String second = TestCatalog.RUN + "-dr2";
    private final String third = TestCatalog.RUN + "-dr3";
    private final FakeDiscord discord = new FakeDiscord(TOKEN, List.of("deploys", "announcements", "incidents"),
            List.of("Deployers", "Approvers"));
    private final FakeDiscord.Member alice = discord.member("alice", "Deployers");
    private final FakeDiscord.Member bob = discord.member("bob", "Approvers");
    private final FakeDiscord.Member carol = discord.member("carol", "Approvers");
    private VitalsProcess vitals;

    @AfterEach
    void cleanUp() throws Exception {
        if (vitals != null) {
            vitals.close();
        }
        discord.close();
        TestCatalog.removeEnvironment(first);
        TestCatalog.removeEnvironment(second);
        TestCatalog.removeEnvironment(third);
    }

    @Test
    void afterARestartButtonClicksWorkAndTicksGivenOrWithdrawnWhileVitalsWasStoppedAreApplied() throws Exception {
        // given Vitals on Discord with production requests waiting for approvers, one already ticked by bob
        vitals = VitalsProcess.withEmbeddedDatabase("discord-restart", """
                environments:
                  %1$s: {network: vitals-%1$s}
                  %2$s: {network: vitals-%2$s}
                  %3$s: {network: vitals-%3$s}
                services:
                  backend:
                    image: vitals-demo/backend
                    health: {interval: 1s, timeout: 5s, retries: 3, gate-timeout: 30s}
                roles:
                  deployer: {discord: [Deployers]}
                  approver: {discord: [Approvers]}
                policies:
                  - {environment: %1$s, risk: [low, medium, high], approvals: {approver: 1}}
                  - {environment: %2$s, risk: [low, medium, high], approvals: {approver: 1}}
                  - {environment: %3$s, risk: [low, medium, high], approvals: {approver: 2}}
                deploy: {verify-stable: 2s}
                local-images:
                  - {image: "vitals-demo/backend:v1.3"}
                  - {image: "vitals-demo/backend:v1.4"}
                """.formatted(first, second, third), Map.of("DISCORD_TOKEN", TOKEN, "VITALS_DISCORD_GUILD", discord.guildId,
                "VITALS_DISCORD_API_URL", discord.apiUrl(), "VITALS_DISCORD_GATEWAY_URL", discord.gatewayUrl()));
        vitals.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> discord.connected() && discord.registeredCommands() != null);
        String clicked = request(first);
        String ticked = request(second);
        FakeDiscord.Msg clickedCard = awaitCard(clicked);
        FakeDiscord.Msg tickedCard = awaitCard(ticked);
        String changed = request(third);
        FakeDiscord.Msg changedCard = awaitCard(changed);
        discord.react(bob, changedCard, "✅");
        DeployDriver driver = new DeployDriver(new ConsoleClient(vitals.port()), null, null);
        await().atMost(Duration.ofSeconds(30)).until(() -> driver.get(changed).approvals().stream()
                .anyMatch(a -> a.user().equals("bob")));

        // when Vitals stops, an approver ticks one card meanwhile, and Vitals starts again
        vitals.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> !discord.connected());
        discord.react(bob, tickedCard, "✅");
        discord.unreact(bob, changedCard, "✅");
        discord.react(carol, changedCard, "✅");
        int identified = discord.identifies.get();
        vitals.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> discord.identifies.get() > identified && discord.connected());
        String approve = clickedCard.buttonIds().stream().filter(b -> b.contains("approve")).findFirst().orElseThrow();
        FakeDiscord.Interaction click = discord.click(bob, clickedCard, approve);

        // then the click after the restart and the tick given while stopped both start their deployments
        DeploymentView byClick = driver.awaitEnd(clicked);
        DeploymentView byTick = driver.awaitEnd(ticked);
        assertThat(click.ackedAt).isNotNull();
        assertThat(click.ackRefused).isFalse();
        assertThat(byClick.status()).isEqualTo("SUCCEEDED");
        assertThat(byClick.approvals()).anyMatch(a -> a.user().equals("bob"));
        assertThat(byTick.status()).isEqualTo("SUCCEEDED");
        assertThat(byTick.approvals()).anyMatch(a -> a.user().equals("bob"));
        // and the tick withdrawn while stopped is withdrawn, the one added counts: one of two approvals
        await().atMost(Duration.ofSeconds(30)).until(() -> driver.get(changed).approvals().stream()
                .map(DeployDriver.Approval::user).toList().equals(List.of("carol")));
        assertThat(driver.get(changed).status()).isEqualTo("PENDING_APPROVAL");
        // the commands had not changed, so the restart registered nothing
        assertThat(discord.requests("PUT", "applications/\\d+/guilds/\\d+/commands")).hasSize(1);
        // and the token is in none of its log lines
        try (Stream<Path> logs = Files.list(vitals.home().getParent())) {
            for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
                assertThat(Files.readString(log)).as(log.toString()).doesNotContain(TOKEN);
            }
        }
    }

    private String request(String env) {
        FakeDiscord.Interaction typed = discord.slash(alice, "deploys", "deploy", null,
                Map.of("service", "backend", "version", "v1.4", "env", env));
        await().atMost(Duration.ofSeconds(60)).until(() -> typed.original != null
                && ID.matcher(typed.original.content()).find());
        Matcher m = ID.matcher(typed.original.content());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private FakeDiscord.Msg awaitCard(String id) {
        await().atMost(Duration.ofSeconds(60)).until(() -> discord.messagesIn("deploys").stream()
                .anyMatch(m -> m.embeds().size() == 1 && m.embeds().get(0).path("title").asString("").startsWith(id + " ·")
                        && m.reactions.getOrDefault("✅", Set.of()).contains(discord.botId)));
        return discord.messagesIn("deploys").stream()
                .filter(m -> m.embeds().size() == 1 && m.embeds().get(0).path("title").asString("").startsWith(id + " ·"))
                .findFirst().orElseThrow();
    }
}
