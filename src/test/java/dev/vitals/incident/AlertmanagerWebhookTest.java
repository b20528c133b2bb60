package dev.vitals.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient.Msg;
import dev.vitals.RawHttp;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

/**
 * Debian's real Prometheus Alertmanager, on loopback, delivering to Vitals' webhook: an alert fired through
 * its API opens one incident, its repeated notifications do not duplicate it, and the alert's resolution
 * resolves it. Group wait, interval and repeat are seconds here (30 s, 5 min and 4 h by default).
 */
class AlertmanagerWebhookTest extends VitalsIntegrationTest {
    private static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final Pattern SENT = Pattern.compile(
            "(?m)^alertmanager_notifications_total\\{integration=\"webhook\"[^}]*} (\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process alertmanager;

    @AfterEach
    void stopAlertmanager() throws InterruptedException {
        if (alertmanager != null) {
            alertmanager.destroy();
            if (!alertmanager.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                alertmanager.destroyForcibly();
            }
        }
    }

    @Test
    void aRealAlertmanagerOpensOneIncidentPerGroupThatRepeatsDoNotDuplicateAndItsResolutionResolves() throws Exception {
        // given Alertmanager on loopback, its webhook receiver pointed at Vitals
        String am = startAlertmanager();
        String env = TestCatalog.stagingEnvironment();
        String alertname = "EmrDown" + TestCatalog.RUN.substring(1);
        Instant startsAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String labels = "{\"alertname\":\"" + alertname + "\",\"service\":\"backend\",\"environment\":\"" + env
                + "\",\"severity\":\"critical\"}";

        // when an alert is fired through its API
        post(am + "/api/v2/alerts", "[{\"labels\":" + labels + ",\"annotations\":{\"summary\":\"EMR answers 503\"},"
                + "\"startsAt\":\"" + startsAt + "\"}]");

        // then one P1 incident opens for the group, with the alert in its timeline and a summary in chat
        Map<String, Object> incident = awaitIncident(alertname);
        String id = (String) incident.get("id");
        assertThat(incident).containsEntry("severity", "P1").containsEntry("source", "alertmanager")
                .containsEntry("service", "backend").containsEntry("environment", env);

        // and when Alertmanager has repeated its notification, there is still exactly one, with the alert once
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> notificationsSent(am) >= 2);
        assertThat(incidents(alertname)).hasSize(1);
        assertThat(timeline(id).stream().filter(e -> e.get("kind").equals("alert")).count()).isEqualTo(1);
        Msg card = await().atMost(Duration.ofSeconds(5)).until(() -> console.channel("incidents").stream()
                .filter(m -> m.text().startsWith("🚨 Incident " + id + " ")).findFirst().orElse(null),
                java.util.Objects::nonNull);
        assertThat(card.text()).contains(alertname).contains("EMR answers 503").doesNotContain("groupLabels")
                .doesNotContain("generatorURL");

        // when the alert resolves
        post(am + "/api/v2/alerts", "[{\"labels\":" + labels + ",\"annotations\":{\"summary\":\"EMR answers 503\"},"
                + "\"startsAt\":\"" + startsAt + "\",\"endsAt\":\"" + Instant.now().minusSeconds(1)
                .truncatedTo(ChronoUnit.SECONDS) + "\"}]");

        // then the incident is resolved, with its post-mortem draft, and still only one exists
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> "RESOLVED".equals(incident(id).get("status")));
        assertThat((String) incident(id).get("postmortem")).contains("alert").contains(alertname);
        assertThat(incidents(alertname)).hasSize(1);
    }

    @Test
    void aMalformedOrOversizedDeliveryGetsA4xxWithTheReasonAndCreatesNothing() {
        RawHttp raw = new RawHttp(port);
        Map<String, String> json = Map.of("Content-Type", "application/json");
        int before = all().size();

        RawHttp.Response notJson = raw.send("POST", "/api/webhooks/alertmanager", json, "{\"version\":");
        RawHttp.Response noGroup = raw.send("POST", "/api/webhooks/alertmanager", json,
                "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[{\"status\":\"firing\",\"fingerprint\":\"f1\"}]}");
        RawHttp.Response oversized = raw.send("POST", "/api/webhooks/alertmanager", json,
                "{\"version\":\"4\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}");

        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body()).contains("not JSON");
        assertThat(noGroup.status()).isEqualTo(400);
        assertThat(noGroup.body()).contains("groupKey");
        assertThat(oversized.status()).isEqualTo(413);
        assertThat(oversized.body()).contains("over 1 MB");
        assertThat(all()).hasSize(before);
    }

    @Test
    void aBurstOf100GroupsOpens100IncidentsAndEveryCardEndsInItsGroupsLastState() throws Exception {
        // given 100 groups delivered at once, then their resolutions at once
        String env = TestCatalog.stagingEnvironment();
        String burst = "Burst" + TestCatalog.RUN.substring(1) + "n";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            for (String status : List.of("firing", "resolved")) {
                List<java.util.concurrent.Future<Integer>> sent = new java.util.ArrayList<>();
                for (int n = 0; n < 100; n++) {
                    String name = burst + n;
                    sent.add(pool.submit(() -> deliver(name, env, status)));
                }
                for (var f : sent) {
                    assertThat(f.get()).isEqualTo(200);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        // then there are 100 incidents, all resolved, and each card shows that
        List<Map<String, Object>> opened = incidents(burst);
        assertThat(opened).hasSize(100).allMatch(i -> i.get("status").equals("RESOLVED"));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            List<String> resolvedCards = console.channel("incidents").stream()
                    .filter(m -> m.text().contains(burst) && m.text().contains("RESOLVED")).map(Msg::text).toList();
            return opened.stream().allMatch(i -> resolvedCards.stream()
                    .anyMatch(t -> t.startsWith("🚨 Incident " + i.get("id") + " ")));
        });
    }

    private int deliver(String alertname, String env, String status) throws Exception {
        String body = """
                {"version":"4","groupKey":"{}:{alertname=\\"%1$s\\"}","truncatedAlerts":0,"status":"%3$s",
                 "receiver":"vitals","groupLabels":{"alertname":"%1$s"},
                 "commonLabels":{"alertname":"%1$s","environment":"%2$s","severity":"warning"},
                 "commonAnnotations":{},"externalURL":"http://am","alerts":[{"status":"%3$s",
                 "labels":{"alertname":"%1$s"},"annotations":{},"startsAt":"2026-01-01T00:00:00Z",
                 "endsAt":"0001-01-01T00:00:00Z","generatorURL":"","fingerprint":"%1$s"}]}""".formatted(alertname, env, status);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/webhooks/alertmanager"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private String startAlertmanager() throws IOException {
        if (!Files.isExecutable(BINARY)) {
            fail("This test needs Debian's prometheus-alertmanager at " + BINARY
                    + ": apt-get install prometheus-alertmanager (deploy/local/test.sh installs it)");
        }
        int amPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            amPort = s.getLocalPort();
        }
        Path dir = Files.createDirectories(Path.of("target", "test-" + TestCatalog.RUN, "alertmanager-" + amPort))
                .toAbsolutePath();
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route: {receiver: vitals, group_by: ['alertname'], group_wait: 1s, group_interval: 2s, repeat_interval: 3s}
                receivers:
                  - name: vitals
                    webhook_configs: [{url: 'http://127.0.0.1:%d/api/webhooks/alertmanager', send_resolved: true}]
                """.formatted(port));
        alertmanager = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.path=" + dir,
                "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address=", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        String url = "http://127.0.0.1:" + amPort;
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> get(url + "/-/ready").statusCode() == 200);
        return url;
    }

    private long notificationsSent(String am) throws Exception {
        Matcher m = SENT.matcher(get(am + "/metrics").body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void post(String url, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private List<Map<String, Object>> all() {
        return console.read(console.get("/api/incidents?limit=1000").body(),
                new TypeReference<List<Map<String, Object>>>() { });
    }

    private List<Map<String, Object>> incidents(String alertname) {
        return all().stream().filter(i -> ((String) i.get("title")).contains(alertname)).toList();
    }

    private Map<String, Object> awaitIncident(String alertname) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> incidents(alertname).stream().findFirst().orElse(null), java.util.Objects::nonNull);
    }

    private Map<String, Object> incident(String id) {
        return console.read(console.get("/api/incidents/" + id).body(), new TypeReference<Map<String, Object>>() { });
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> timeline(String id) {
        return (List<Map<String, Object>>) incident(id).get("timeline");
    }
}
