package dev.vitals.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.RawHttp;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The API and actuator of a Vitals started with {@code VITALS_API_TOKEN}, asked over a raw socket. */
class ApiAccessTest extends VitalsIntegrationTest {
    private static final String TOKEN = "api-token-for-tests-7f3a9c2e51";
    private static final String WEBHOOK_SECRET = "webhook-secret-for-tests-b81d4e";
    private static final Map<String, String> WITH_TOKEN = Map.of("Authorization", "Bearer " + TOKEN);

    private RawHttp http;

    @DynamicPropertySource
    static void token(DynamicPropertyRegistry registry) {
        registry.add("vitals.api-token", () -> TOKEN);
        registry.add("vitals.webhook-secret", () -> WEBHOOK_SECRET);
        // A context of its own beside the shared one, so an embedded PostgreSQL of its own too.
        registry.add("vitals.test.home",
                () -> Path.of("target", "test-" + TestCatalog.RUN, "api-token").toAbsolutePath().toString());
    }

    @BeforeEach
    void raw() {
        http = new RawHttp(port);
    }

    @Test
    void pathTricksAreRefusedOrNeedTheTokenAndNeverAnswerWithoutIt() {
        // given paths that spell /api/deployments (or another protected route) in ways a raw-URI check misses
        Map<String, Integer> withoutToken = new LinkedHashMap<>();
        withoutToken.put("/api;x/deployments", 400);
        withoutToken.put("/api/deployments;jsessionid=1", 400);
        withoutToken.put("/%61pi/deployments", 401);
        withoutToken.put("/api/%2e%2e/api/deployments", 400);
        withoutToken.put("/api/./deployments", 400);
        withoutToken.put("/x/../api/deployments", 400);
        withoutToken.put("//api/deployments", 400);
        withoutToken.put("/api/deployments/", 401);
        withoutToken.put("/API/deployments", 401);
        withoutToken.put("/api%2fdeployments", 400);
        withoutToken.put("/api/deployments%252f", 400);
        withoutToken.put("/actuator/prometheus", 401);
        withoutToken.put("/actuator/health/db", 401);
        withoutToken.put("/actuator", 401);
        withoutToken.put("/api/audit/verify", 401);

        // when each is asked without the token, then it is refused with exactly the expected status
        Map<String, Integer> seen = new LinkedHashMap<>();
        withoutToken.keySet().forEach(path -> seen.put(path, http.get(path).status()));
        assertThat(seen).containsExactlyEntriesOf(withoutToken);
        // and a wrong token is no token
        assertThat(http.get("/api/deployments", Map.of("Authorization", "Bearer not-the-token")).status()).isEqualTo(401);
        assertThat(http.get("/api/deployments", Map.of("Authorization", "Bearer " + TOKEN + "x")).status())
                .isEqualTo(401);
    }

    @Test
    void withTheTokenRealRoutesAnswerAndRefusedPathsStayRefused() {
        assertThat(http.get("/api/deployments", WITH_TOKEN).status()).isEqualTo(200);
        assertThat(http.get("/%61pi/deployments", WITH_TOKEN).status()).isEqualTo(200);
        assertThat(http.get("/actuator/prometheus", WITH_TOKEN).status()).isEqualTo(200);
        assertThat(http.get("/api/audit/verify", WITH_TOKEN).status()).isEqualTo(200);
        assertThat(http.get("/api;x/deployments", WITH_TOKEN).status()).isEqualTo(400);
        assertThat(http.get("/api/%2e%2e/api/deployments", WITH_TOKEN).status()).isEqualTo(400);
    }

    @Test
    void aRefusedUrlGetsAShortMessageNotAnErrorPage() {
        RawHttp.Response r = http.get("/api;x/deployments");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.head()).containsIgnoringCase("Content-Type: application/json");
        assertThat(r.body()).contains("Request refused").contains("normalised").doesNotContain("Exception")
                .doesNotContain("api;x");
    }

    @Test
    void aMissingTokenIsA401ThatSaysWhatToSend() {
        RawHttp.Response r = http.get("/api/deployments");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).contains("Authorization: Bearer <VITALS_API_TOKEN>");
    }

    @Test
    void livenessAndReadinessAreOpenWithoutDetailsAndHealthShowsDetailsOnlyWithTheToken() {
        RawHttp.Response liveness = http.get("/actuator/health/liveness");
        RawHttp.Response readiness = http.get("/actuator/health/readiness");
        RawHttp.Response health = http.get("/actuator/health");
        RawHttp.Response healthWithToken = http.get("/actuator/health", WITH_TOKEN);

        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.body()).contains("\"status\":\"UP\"").doesNotContain("components").doesNotContain("details");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\":\"UP\"").doesNotContain("components").doesNotContain("details");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").doesNotContain("components").doesNotContain("db");
        assertThat(healthWithToken.status()).isEqualTo(200);
        assertThat(healthWithToken.body()).contains("components").contains("db");
    }

    @Test
    void theWebhookSecretOpensOnlyTheAlertmanagerWebhook() {
        Map<String, String> withSecret = Map.of("Authorization", "Bearer " + WEBHOOK_SECRET, "Content-Type",
                "application/json");
        // the secret gets past security to the webhook, which refuses an empty delivery with its reason: 400, not 401
        RawHttp.Response empty = http.send("POST", HttpAccess.WEBHOOK_PATH, withSecret, "{}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body()).contains("version");
        assertThat(http.send("POST", HttpAccess.WEBHOOK_PATH, Map.of("Content-Type", "application/json"), "{}")
                .status()).isEqualTo(401);
        assertThat(http.get("/api/deployments", withSecret).status()).isEqualTo(403);
    }
}
