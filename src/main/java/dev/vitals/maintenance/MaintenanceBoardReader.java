package dev.vitals.maintenance;

import dev.vitals.dashboard.MaintenanceBoard;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/** Maintenance windows as the dashboard shows them: active and upcoming first (soonest first), then past ones. */
@Component
class MaintenanceBoardReader implements MaintenanceBoard {
    private final WindowStore store;

    MaintenanceBoardReader(WindowStore store) {
        this.store = store;
    }

    @Override
    public List<WindowRow> windows(int limit) {
        List<Window> recent = store.recent(null, null, limit);
        return Stream.concat(
                        recent.stream().filter(w -> w.status().open()).sorted(Comparator.comparing(Window::start)),
                        recent.stream().filter(w -> !w.status().open()))
                .map(w -> new WindowRow(w.id(), w.environment(), w.allServices() ? List.of("all services") : w.services(),
                        w.start(), w.end(), w.status().name(), w.reason(), w.openedBy()))
                .toList();
    }
}
