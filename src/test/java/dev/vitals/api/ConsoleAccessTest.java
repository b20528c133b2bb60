package dev.vitals.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.CatalogLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;

/** How the console's reach follows from the bind address, Discord and console tokens. */
class ConsoleAccessTest {
    private static final String ALICE = "alice-token-0123456789abcdef";
    private static Catalog catalog;

    @BeforeAll
    static void catalog(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("vitals.yml");
        Files.writeString(file, """
                environments:
                  staging: {network: vitals-staging}
                services:
                  backend: {image: vitals-demo/backend}
                users:
                  alice: [deployer]
                  dave: [viewer]
                policies: [{environment: staging, approvals: {}}]
                """);
        catalog = CatalogLoader.load(file);
    }

    @Test
    void onLoopbackWithoutDiscordOrTokensTheConsoleIsOpenToThisMachine() {
        assertThat(access("127.0.0.1", "", "", false).mode()).isEqualTo(ConsoleAccess.Mode.OPEN_ON_LOOPBACK);
        assertThat(access("::1", "", "", false).mode()).isEqualTo(ConsoleAccess.Mode.OPEN_ON_LOOPBACK);
    }

    @Test
    void besideDiscordWithoutTokensTheConsoleIsOffAndSaysHowToTurnItOn() {
        ConsoleAccess access = access("127.0.0.1", "", "", true);
        assertThat(access.mode()).isEqualTo(ConsoleAccess.Mode.OFF);
        assertThat(access.offReason()).contains("Discord is configured").contains("VITALS_CONSOLE_TOKENS");
    }

    @Test
    void anyOtherAddressWithoutTokensIsRefusedWithAFix() {
        assertThatThrownBy(() -> access("0.0.0.0", "", "", false)).isInstanceOf(ConsoleAccessException.class)
                .hasMessageContaining("open to the network")
                .satisfies(e -> assertThat(((ConsoleAccessException) e).fix()).contains("127.0.0.1")
                        .contains("VITALS_CONSOLE_TOKENS"));
        assertThatThrownBy(() -> access("", "", "", false)).isInstanceOf(ConsoleAccessException.class);
    }

    @Test
    void aTokenNamesItsUserAndNoOtherTokenDoes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# who may use the console\n\ndave:dave-token-0123456789abcdef\n");
        ConsoleAccess access = access("0.0.0.0", "alice:" + ALICE, file.toString(), true);

        assertThat(access.mode()).isEqualTo(ConsoleAccess.Mode.TOKENS);
        assertThat(access.user(ALICE)).contains("alice");
        assertThat(access.user("dave-token-0123456789abcdef")).contains("dave");
        assertThat(access.user(ALICE.substring(1))).isEmpty();
        assertThat(access.user("")).isEmpty();
    }

    @Test
    void badTokensAreRefusedAtStartWithoutRepeatingThem() {
        assertThatThrownBy(() -> access("127.0.0.1", "mallory:" + ALICE, "", false))
                .hasMessageContaining("'mallory', who is not a user in the catalog").hasMessageNotContaining(ALICE);
        assertThatThrownBy(() -> access("127.0.0.1", "alice:short-secret", "", false))
                .hasMessageContaining("shorter than 16 characters").hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> access("127.0.0.1", ALICE, "", false))
                .hasMessageContaining("not of the form user:token").hasMessageNotContaining(ALICE);
        assertThatThrownBy(() -> access("127.0.0.1", "alice:" + ALICE + ",dave:" + ALICE, "", false))
                .hasMessageContaining("the same").hasMessageNotContaining(ALICE);
    }

    private static ConsoleAccess access(String bind, String tokens, String file, boolean discord) {
        ServerProperties server = new ServerProperties();
        try {
            server.setAddress(bind.isBlank() ? null : InetAddress.getByName(bind));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(bind, e);
        }
        return new ConsoleAccess(catalog, server, new ApiProperties("", "", tokens, file,
                new ApiProperties.Discord(discord ? "discord-bot-token" : "", discord ? "123456789" : "")));
    }
}
