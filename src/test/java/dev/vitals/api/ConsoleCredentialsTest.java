package dev.vitals.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ConsoleClient;
import dev.vitals.RawHttp;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Vitals as a separate JVM listening on every address: the console needs per-user tokens or Vitals won't start. */
class ConsoleCredentialsTest {
    private static final String ALICE = "alice-console-token-5d1f0c7a9e";
    private static final String DAVE = "dave-console-token-93b7e2a410";
    private static final String CATALOG = """
            environments:
              %1$s: {network: vitals-%1$s}
            services:
              backend:
                image: vitals-demo/backend
            users:
              alice: [deployer]
              dave: [viewer]
            """.formatted(TestCatalog.RUN + "-console");

    private VitalsProcess vitals;

    @AfterEach
    void stop() throws Exception {
        if (vitals != null) {
            vitals.close();
        }
    }

    @Test
    void aStartOnAllAddressesWithoutConsoleCredentialsIsRefusedSayingHowToFixIt() throws Exception {
        // given Vitals told to listen on 0.0.0.0 with no console tokens
        vitals = new VitalsProcess("open-console", CATALOG, Map.of("VITALS_BIND_ADDRESS", "0.0.0.0"));

        // when it starts
        String output = vitals.startExpectingRefusal();

        // then it refuses, says why, and says in one line what to do
        assertThat(output).contains("The console would be open to the network: Vitals listens on '0.0.0.0'");
        assertThat(output.lines()).anyMatch(line -> line.startsWith("Listen on loopback only")
                && line.contains("VITALS_BIND_ADDRESS") && line.contains("VITALS_CONSOLE_TOKENS="));
        assertThat(output).doesNotContain("Tomcat started on port");
    }

    @Test
    void withConsoleTokensOnAllAddressesEachUserActsOnlyAsThemselves() throws Exception {
        // given Vitals on 0.0.0.0 with alice's token in the environment and dave's in a secret file
        Path tokens = Files.createTempFile(Path.of("target"), "console-tokens", ".txt");
        Files.writeString(tokens, "# console users\ndave:" + DAVE + "\n");
        vitals = new VitalsProcess("console-tokens", CATALOG, Map.of("VITALS_BIND_ADDRESS", "0.0.0.0",
                "VITALS_CONSOLE_TOKENS", "alice:" + ALICE, "VITALS_CONSOLE_TOKENS_FILE", tokens.toString()));
        vitals.start();
        ConsoleClient anonymous = new ConsoleClient(vitals.port());
        ConsoleClient alice = anonymous.withToken(ALICE);
        ConsoleClient dave = anonymous.withToken(DAVE);

        // then without a token, or with a wrong one, the console answers nothing
        assertThat(anonymous.get("/console/api/users").status()).isEqualTo(401);
        assertThat(anonymous.get("/console/api/users").body()).contains("Authorization: Bearer <your console token>");
        assertThat(anonymous.withToken(ALICE + "x").get("/console/api/users").status()).isEqualTo(401);
        assertThat(anonymous.send("POST", "/console/api/messages",
                Map.of("user", "alice", "channel", "deploys", "text", "/help")).status()).isEqualTo(401);

        // and with her token alice works as alice (naming herself or not)
        assertThat(alice.ask("alice", "deploys", "/help")).contains("Commands you (alice: deployer)");
        assertThat(alice.send("POST", "/console/api/messages", Map.of("channel", "deploys", "text", "hi")).status())
                .isEqualTo(201);

        // but may not act or read as dave
        ConsoleClient.Response asDave = alice.send("POST", "/console/api/messages",
                Map.of("user", "dave", "channel", "deploys", "text", "/help"));
        assertThat(asDave.status()).isEqualTo(403);
        assertThat(asDave.body()).contains("you may act only as alice");
        assertThat(alice.get("/console/api/messages?channel=deploys&user=dave").status()).isEqualTo(403);
        assertThat(dave.ask("dave", "deploys", "/help")).contains("Commands you (dave: viewer)");

        // and a page from another origin gets nowhere even with a token
        RawHttp.Response foreign = new RawHttp(vitals.port()).send("POST", "/console/api/messages",
                Map.of("Authorization", "Bearer " + ALICE, "Content-Type", "application/json",
                        "Origin", "https://evil.example"), "{\"channel\":\"deploys\",\"text\":\"x\"}");
        assertThat(foreign.status()).isEqualTo(403);

        // and no token ever reaches the log
        assertThat(vitals.output()).doesNotContain(ALICE).doesNotContain(DAVE);
    }
}
