package dev.vitals.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ConsoleClient;
import dev.vitals.RawHttp;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Vitals listening on every address with console tokens: each user acts only as themselves. */
class ConsoleTokensTest extends VitalsIntegrationTest {
    private static final String ALICE = "alice-console-token-5d1f0c7a9e";
    private static final String DAVE = "dave-console-token-93b7e2a410";

    @DynamicPropertySource
    static void onAllAddressesWithTokens(DynamicPropertyRegistry registry) {
        registry.add("server.address", () -> "0.0.0.0");
        // alice's token from the environment, dave's from a secret file
        registry.add("vitals.console-tokens", () -> "alice:" + ALICE);
        registry.add("vitals.console-tokens-file", ConsoleTokensTest::tokenFile);
        // A context of its own beside the shared one, so an embedded PostgreSQL of its own too.
        registry.add("vitals.test.home",
                () -> Path.of("target", "test-" + TestCatalog.RUN, "console-tokens").toAbsolutePath().toString());
    }

    private static String tokenFile() {
        try {
            Path file = Files.createTempFile(Files.createDirectories(Path.of("target")), "console-tokens", ".txt");
            Files.writeString(file, "# console users\ndave:" + DAVE + "\n");
            return file.toAbsolutePath().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void withoutATokenOrWithAWrongOneTheConsoleAnswersNothing() {
        ConsoleClient.Response none = console.get("/console/api/users");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body()).contains("Authorization: Bearer <your console token>");
        assertThat(console.withToken(ALICE + "x").get("/console/api/users").status()).isEqualTo(401);
        assertThat(console.send("POST", "/console/api/messages",
                Map.of("user", "alice", "channel", "deploys", "text", "/help")).status()).isEqualTo(401);
    }

    @Test
    void eachUserWorksWithTheirOwnTokenAndMayNotActOrReadAsAnother() {
        ConsoleClient alice = console.withToken(ALICE);
        ConsoleClient dave = console.withToken(DAVE);

        // alice works as alice, naming herself or not
        assertThat(alice.ask("alice", "deploys", "/help")).contains("Commands you (alice:");
        assertThat(alice.send("POST", "/console/api/messages", Map.of("channel", "deploys", "text", "hi")).status())
                .isEqualTo(201);
        assertThat(dave.ask("dave", "deploys", "/help")).contains("Commands you (dave:");

        // but may not act or read as dave
        ConsoleClient.Response asDave = alice.send("POST", "/console/api/messages",
                Map.of("user", "dave", "channel", "deploys", "text", "/help"));
        assertThat(asDave.status()).isEqualTo(403);
        assertThat(asDave.body()).contains("you may act only as alice");
        assertThat(alice.get("/console/api/messages?channel=deploys&user=dave").status()).isEqualTo(403);
    }

    @Test
    void aPageFromAnotherOriginGetsNowhereEvenWithAToken() {
        RawHttp.Response foreign = new RawHttp(port).send("POST", "/console/api/messages",
                Map.of("Authorization", "Bearer " + ALICE, "Content-Type", "application/json",
                        "Origin", "https://evil.example"), "{\"channel\":\"deploys\",\"text\":\"x\"}");
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body()).contains("another origin");
    }
}
