package dev.vitals.incident;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.IncidentSettings;
import dev.vitals.catalog.Severity;
import dev.vitals.chat.UserText;
import dev.vitals.leadership.Leadership;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /api/webhooks/alertmanager}: Prometheus Alertmanager's webhook (version 4). One incident per
 * {@code groupKey} (severity from the catalog's label mapping), each alert by {@code fingerprint} into its
 * timeline once per status, resolved when the group resolves. Repeated deliveries change nothing. Chat gets
 * a summary, never the payload (Discord's size limits broke Alertmanager's own Discord receiver). A body
 * over 1 MB, malformed, or of another version gets a 4xx naming the reason, and creates nothing; on a
 * standby a 503, which Alertmanager retries. Security (bearer API token or {@code VITALS_WEBHOOK_SECRET})
 * is decided before this runs.
 */
@RestController
class AlertmanagerWebhook {
    static final int LIMIT = 1024 * 1024;
    private static final Set<String> STATUSES = Set.of("firing", "resolved");

    private final Incidents incidents;
    private final IncidentStore store;
    private final PostMortem postMortem;
    private final Catalog catalog;
    private final Leadership leadership;
    private final ObjectMapper json;
    private final Clock clock;

    AlertmanagerWebhook(Incidents incidents, IncidentStore store, PostMortem postMortem, Catalog catalog,
                        Leadership leadership, ObjectMapper json, Clock clock) {
        this.incidents = incidents;
        this.store = store;
        this.postMortem = postMortem;
        this.catalog = catalog;
        this.leadership = leadership;
        this.json = json;
        this.clock = clock;
    }

    record Problem(String error) {
    }

    record Accepted(String incident, boolean created, String status) {
    }

    record Alert(String fingerprint, String status, String name, String summary) {
    }

    @PostMapping("/api/webhooks/alertmanager")
    ResponseEntity<?> receive(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > LIMIT) {
            return tooLarge();
        }
        byte[] body = request.getInputStream().readNBytes(LIMIT + 1);
        if (body.length > LIMIT) {
            return tooLarge();
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JacksonException e) {
            return bad("the body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return bad("the body must be a JSON object (Alertmanager webhook version 4)");
        }
        String version = text(root, "version");
        if (!"4".equals(version)) {
            return bad("version must be \"4\" (Alertmanager's webhook), got " + (version == null ? "none" : "\"" + version + "\""));
        }
        String groupKey = text(root, "groupKey");
        if (groupKey == null || groupKey.isBlank()) {
            return bad("groupKey is missing: it names the incident");
        }
        String status = text(root, "status");
        if (status == null || !STATUSES.contains(status)) {
            return bad("status must be firing or resolved, got " + (status == null ? "none" : "\"" + status + "\""));
        }
        JsonNode alertsNode = root.get("alerts");
        if (alertsNode == null || !alertsNode.isArray() || alertsNode.isEmpty()) {
            return bad("alerts must be a non-empty array");
        }
        List<Alert> alerts = new ArrayList<>();
        for (int n = 0; n < alertsNode.size(); n++) {
            JsonNode a = alertsNode.get(n);
            String fingerprint = a == null || !a.isObject() ? null : text(a, "fingerprint");
            String alertStatus = a == null || !a.isObject() ? null : text(a, "status");
            if (fingerprint == null || fingerprint.isBlank()) {
                return bad("alerts[" + n + "].fingerprint is missing");
            }
            if (alertStatus == null || !STATUSES.contains(alertStatus)) {
                return bad("alerts[" + n + "].status must be firing or resolved");
            }
            alerts.add(new Alert(fingerprint, alertStatus, label(a, "labels", "alertname").orElse("alert"),
                    label(a, "annotations", "summary").orElse(null)));
        }
        if (!leadership.isActive()) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .body(new Problem("this Vitals is the standby; deliver to the active one (retry)"));
        }
        String key = "alertmanager:" + groupKey;
        try {
            if (status.equals("firing")) {
                return ResponseEntity.ok(firing(root, key, alerts));
            }
            return ResponseEntity.ok(resolved(key, alerts));
        } catch (IncidentRefused e) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(new Problem(e.getMessage()));
        }
    }

    private Accepted firing(JsonNode root, String key, List<Alert> alerts) {
        IncidentSettings settings = catalog.incidents();
        String severityValue = label(root, "commonLabels", settings.alertSeverityLabel()).orElse(null);
        Severity severity = severityValue == null ? settings.alertDefault()
                : settings.alertSeverities().getOrDefault(severityValue, settings.alertDefault());
        String service = label(root, "commonLabels", "service").filter(catalog.services()::containsKey).orElse(null);
        String env = label(root, "commonLabels", "environment").or(() -> label(root, "commonLabels", "env"))
                .filter(catalog.environments()::containsKey).orElse(null);
        String name = label(root, "commonLabels", "alertname").orElse(alerts.getFirst().name());
        String summary = label(root, "commonAnnotations", "summary").orElse(alerts.getFirst().summary());
        String title = "Alertmanager: " + name + (summary == null ? "" : " — " + summary);
        Incidents.Opened opened = incidents.open(new Incidents.Opening(severity, shorten(title, 200), service,
                incidents.environmentOr(env), "alertmanager", key, "alertmanager", List.of(),
                "group " + shorten(key.substring("alertmanager:".length()), 200) + ", " + alerts.size() + " alert(s)"
                        + (severityValue == null ? "" : ", " + settings.alertSeverityLabel() + "=" + severityValue)));
        record(opened.incident(), alerts);
        return new Accepted(opened.incident().id(), opened.created(), "firing");
    }

    private Accepted resolved(String key, List<Alert> alerts) {
        Optional<Incident> open = store.openBySource(key);
        if (open.isEmpty()) {
            // Already resolved (a repeated delivery), or never seen: nothing to do.
            return new Accepted(null, false, "resolved");
        }
        Incident i = open.get();
        record(i, alerts);
        try {
            incidents.resolve(i.id(), "alertmanager", "all alerts of the group resolved in Alertmanager", postMortem);
        } catch (IncidentRefused e) {
            // resolved meanwhile by a person or a concurrent delivery
        }
        return new Accepted(i.id(), false, "resolved");
    }

    /** Each alert once per status: a new alert, or one that changed status, is a timeline entry and a thread line. */
    private void record(Incident i, List<Alert> alerts) {
        for (Alert a : alerts) {
            if (store.alert(i.id(), a.fingerprint(), a.status(), shorten(a.name(), 200), clock.instant())) {
                incidents.note(i.id(), "alert", "alert " + UserText.quoted(shorten(a.name(), 100)) + " ("
                        + shorten(a.fingerprint(), 32) + ") " + a.status()
                        + (a.summary() == null ? "" : ": " + UserText.quoted(shorten(a.summary(), 200))), null);
            }
        }
    }

    private static Optional<String> label(JsonNode node, String map, String key) {
        JsonNode m = node.get(map);
        if (m == null || !m.isObject()) {
            return Optional.empty();
        }
        JsonNode v = m.get(key);
        return v == null || !v.isString() || v.asString().isBlank() ? Optional.empty() : Optional.of(v.asString());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isString() ? null : v.asString();
    }

    private static String shorten(String s, int max) {
        if (s == null) {
            return null;
        }
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > max ? one.substring(0, max) + "…" : one;
    }

    private static ResponseEntity<Problem> bad(String why) {
        return ResponseEntity.badRequest().body(new Problem("Alertmanager delivery refused, nothing was created: " + why));
    }

    private static ResponseEntity<Problem> tooLarge() {
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(new Problem(
                "Alertmanager delivery refused, nothing was created: the body is over 1 MB"));
    }
}
