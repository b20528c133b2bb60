package dev.vitals.maintenance;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/maintenance}: windows with their notices; {@code GET /api/maintenance.ics}: an iCalendar
 * feed of the windows that are active or to come (and of cancelled ones still ahead, so a subscribed
 * calendar drops them), for a clinic manager's calendar.
 */
@RestController
class MaintenanceController {
    private final WindowStore store;
    private final NoticeText text;
    private final Clock clock;
    private final dev.vitals.catalog.Catalog catalog;

    MaintenanceController(WindowStore store, NoticeText text, Clock clock, dev.vitals.catalog.Catalog catalog) {
        this.catalog = catalog;
        this.store = store;
        this.text = text;
        this.clock = clock;
    }

    record NoticeView(String kind, Instant at, boolean late) {
    }

    record WindowView(String id, List<String> services, String environment, Instant start, Instant end, String status,
                      String reason, boolean maintenanceMode, String openedBy, List<NoticeView> notices) {
    }

    record Problem(String error) {
    }

    @GetMapping("/api/maintenance")
    ResponseEntity<?> list(@RequestParam(required = false) String environment,
                           @RequestParam(required = false) String status,
                           @RequestParam(defaultValue = "100") int limit) {
        String normalized = status == null || status.isBlank() ? null : status.toUpperCase(Locale.ROOT);
        if (normalized != null && Arrays.stream(Window.Status.values()).noneMatch(s -> s.name().equals(normalized))) {
            return ResponseEntity.badRequest().body(new Problem("unknown status '" + status + "'; one of "
                    + Arrays.toString(Window.Status.values())));
        }
        List<WindowView> views = store.recent(environment == null || environment.isBlank() ? null : environment,
                normalized, Math.max(1, Math.min(limit, 1000))).stream().map(this::view).toList();
        return ResponseEntity.ok(views);
    }

    @GetMapping(value = "/api/maintenance.ics")
    ResponseEntity<String> calendar() {
        Instant now = clock.instant();
        List<Window> windows = store.recent(null, null, 1000).stream()
                .filter(w -> w.end().isAfter(now) && w.status() != Window.Status.ENDED)
                .sorted(java.util.Comparator.comparing(Window::start)).toList();
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/calendar; charset=utf-8"))
                .header("Content-Disposition", "inline; filename=\"vitals-maintenance.ics\"")
                .body(new MaintenanceCalendar(text).render(windows, now));
    }

    private WindowView view(Window w) {
        List<NoticeView> notices = store.notices(w.id()).stream().filter(n -> n.sentAt() != null)
                .map(n -> new NoticeView(n.kind().word(), n.sentAt(), n.late())).toList();
        return new WindowView(w.id(), w.services(), w.environment(), w.start(), w.end(), w.status().name(), w.reason(),
                MaintenanceMode.on(catalog, w), w.openedBy(), notices);
    }
}
