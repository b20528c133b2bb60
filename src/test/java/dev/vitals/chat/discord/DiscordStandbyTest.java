package dev.vitals.chat.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two Vitals processes on one database and one Discord bot: only the active one holds the gateway. */
class DiscordStandbyTest {
    private static final String TOKEN = "MTA-standby-token." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

    private final String env = TestCatalog.RUN + "-dsb";
    private final FakeDiscord discord = new FakeDiscord(TOKEN, List.of("deploys", "announcements", "incidents"),
            List.of("Deployers"));
    private final FakeDiscord.Member alice = discord.member("alice", "Deployers");
    private VitalsProcess first;
    private VitalsProcess second;

    @AfterEach
    void cleanUp() throws Exception {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        discord.close();
        TestCatalog.removeEnvironment(env);
    }

    @Test
    void onlyTheActiveVitalsConnectsAndTheStandbyTakesTheGatewayOverWhenItDies() throws Exception {
        // given an active Vitals on Discord and a standby on the same database
        first = new VitalsProcess("discord-active", """
                environments:
                  %1$s: {network: vitals-%1$s}
                services:
                  backend: {image: vitals-demo/backend}
                roles:
                  deployer: {discord: [Deployers]}
                policies: [{environment: %1$s, approvals: {}}]
                local-images: [{image: "vitals-demo/backend:v1.4"}]
                """.formatted(env), Map.of("DISCORD_TOKEN", TOKEN, "VITALS_DISCORD_GUILD", discord.guildId,
                "VITALS_DISCORD_API_URL", discord.apiUrl(), "VITALS_DISCORD_GATEWAY_URL", discord.gatewayUrl()));
        first.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> discord.sessions() == 1);
        second = first.alongside("discord-standby");
        second.start();

        // then only the active one holds a gateway session
        assertThat(discord.sessions()).isEqualTo(1);
        assertThat(discord.identifies.get()).isEqualTo(1);

        // when the active one dies, the standby connects and answers commands
        first.kill();
        await().atMost(Duration.ofSeconds(60)).until(() -> discord.identifies.get() == 2 && discord.sessions() == 1);
        FakeDiscord.Interaction help = discord.slash(alice, "deploys", "help", null, Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> help.original != null);
        assertThat(help.original.content()).contains("/deploy");
    }
}
