package dev.vitals.maintenance;

import dev.vitals.deploy.MaintenanceWindows;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The deploy module's question "is a window open for this service?", answered from the windows in
 * PostgreSQL by time: a window covers a service from its start to its end unless it was cancelled or
 * ended early, whether or not the timer has marked it active yet.
 */
@Component
class WindowGate implements MaintenanceWindows {
    private final WindowStore store;

    WindowGate(WindowStore store) {
        this.store = store;
    }

    @Override
    public boolean active(String environment, String service, Instant at) {
        return store.open(environment, at).stream().anyMatch(w -> w.coversAt(service, at));
    }

    @Override
    public Optional<Upcoming> next(String environment, String service, Instant after) {
        return store.open(environment, after).stream().filter(w -> w.covers(service))
                .findFirst().map(w -> new Upcoming(w.id(), w.start(), w.end()));
    }
}
