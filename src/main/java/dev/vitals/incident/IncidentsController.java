package dev.vitals.incident;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/incidents[?status=]} and {@code GET /api/incidents/{id}} (with the timeline). */
@RestController
class IncidentsController {
    private final IncidentStore store;

    IncidentsController(IncidentStore store) {
        this.store = store;
    }

    record Entry(Instant at, String kind, String text) {
    }

    record IncidentView(String id, String title, String severity, String status, String service, String environment,
                        String source, String commander, Instant openedAt, Instant ackDeadline, Instant acknowledgedAt,
                        Instant resolvedAt, String escalatedTo, String threadId, List<String> deployments,
                        List<Entry> timeline, String summary, String postmortem) {
    }

    record Problem(String error) {
    }

    @GetMapping("/api/incidents")
    ResponseEntity<?> list(@RequestParam(required = false) String status, @RequestParam(defaultValue = "100") int limit) {
        String normalized = status == null || status.isBlank() ? null : status.toUpperCase(Locale.ROOT);
        if (normalized != null && Arrays.stream(Incident.Status.values()).noneMatch(s -> s.name().equals(normalized))) {
            return ResponseEntity.badRequest().body(new Problem("unknown status '" + status + "'; one of "
                    + Arrays.toString(Incident.Status.values())));
        }
        return ResponseEntity.ok(store.search(normalized, Math.max(1, Math.min(limit, 1000))).stream()
                .map(i -> view(i, false)).toList());
    }

    @GetMapping("/api/incidents/{id}")
    ResponseEntity<?> one(@PathVariable String id) {
        return store.find(id.toUpperCase(Locale.ROOT)).<ResponseEntity<?>>map(i -> ResponseEntity.ok(view(i, true)))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).body(new Problem("no incident " + id)));
    }

    private IncidentView view(Incident i, boolean full) {
        List<Entry> timeline = full ? store.timeline(i.id()).stream().map(e -> new Entry(e.at(), e.kind(), e.text()))
                .toList() : List.of();
        return new IncidentView(i.id(), i.title(), i.severity().name(), i.status().name(), i.service(), i.environment(),
                i.source(), i.commander(), i.openedAt(), i.ackDeadline(), i.acknowledgedAt(), i.resolvedAt(),
                i.escalatedTo(), i.threadId(), store.deployments(i.id()), timeline, i.summary(),
                full ? i.postmortem() : null);
    }
}
