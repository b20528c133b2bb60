package dev.vitals.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ConsoleClient;
import dev.vitals.RawHttp;
import dev.vitals.VitalsIntegrationTest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console of a Vitals on loopback without credentials: only requests meant for it get through. */
class ConsoleLocalityTest extends VitalsIntegrationTest {
    private RawHttp http;

    @BeforeEach
    void raw() {
        http = new RawHttp(port);
    }

    @Test
    void aForeignHostIsRefusedSoADnsRebindingPageCannotReachTheConsole() {
        RawHttp.Response rebound = http.get("/console/api/users", Map.of("Host", "rebind.attacker.example:" + port));
        RawHttp.Response noPort = http.get("/console/api/users", Map.of("Host", "localhost"));
        RawHttp.Response otherPort = http.get("/console/api/users", Map.of("Host", "127.0.0.1:" + (port + 1)));

        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.body()).contains("Host header names another host").doesNotContain("attacker");
        assertThat(noPort.status()).isEqualTo(403);
        assertThat(otherPort.status()).isEqualTo(403);
    }

    @Test
    void theLoopbackNamesWithVitalsOwnPortAreAccepted() {
        for (String host : new String[] {"localhost", "127.0.0.1", "[::1]", "LOCALHOST"}) {
            assertThat(http.get("/console/api/users", Map.of("Host", host + ":" + port)).status()).as(host)
                    .isEqualTo(200);
        }
    }

    @Test
    void aPostFromAForeignOriginIsRefusedAndNothingIsPosted() {
        // given a message a page on another site tries to post as bob
        String text = "cross-site " + UUID.randomUUID();
        String body = "{\"user\":\"bob\",\"channel\":\"deploys\",\"text\":\"" + text + "\"}";

        // when it arrives with that site's Origin (and with the Origin a sandboxed page sends)
        RawHttp.Response foreign = http.send("POST", "/console/api/messages",
                Map.of("Content-Type", "application/json", "Origin", "https://evil.example"), body);
        RawHttp.Response sandboxed = http.send("POST", "/console/api/messages",
                Map.of("Content-Type", "application/json", "Origin", "null"), body);

        // then both are refused with a message, and the channel never shows the text
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body()).contains("another origin");
        assertThat(sandboxed.status()).isEqualTo(403);
        assertThat(console.channel("deploys")).noneMatch(m -> m.text().equals(text));
    }

    @Test
    void aPostFromTheConsolesOwnOriginIsAccepted() {
        RawHttp.Response own = http.send("POST", "/console/api/messages",
                Map.of("Content-Type", "application/json", "Origin", "http://localhost:" + port),
                "{\"user\":\"dave\",\"channel\":\"deploys\",\"text\":\"hello from the page\"}");
        assertThat(own.status()).isEqualTo(201);
    }

    @Test
    void aChangeThatIsNotJsonIsRefusedSoAPlainCrossSiteFormCannotSendIt() {
        String text = "form post " + UUID.randomUUID();
        RawHttp.Response form = http.send("POST", "/console/api/messages",
                Map.of("Content-Type", "text/plain"), "{\"user\":\"bob\",\"channel\":\"deploys\",\"text\":\"" + text + "\"}");
        RawHttp.Response urlEncoded = http.send("POST", "/console/api/clicks",
                Map.of("Content-Type", "application/x-www-form-urlencoded"), "user=bob&messageId=1&button=approve");

        assertThat(form.status()).isEqualTo(415);
        assertThat(form.body()).contains("Content-Type: application/json");
        assertThat(urlEncoded.status()).isEqualTo(415);
        assertThat(console.channel("deploys")).noneMatch(m -> m.text().equals(text));
    }

    @Test
    void withoutAnApiTokenTheApiAndHealthDetailsAnswerOnLoopback() {
        ConsoleClient.Response deployments = console.get("/api/deployments");
        ConsoleClient.Response health = console.get("/actuator/health");

        assertThat(deployments.status()).isEqualTo(200);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("components");
    }
}
