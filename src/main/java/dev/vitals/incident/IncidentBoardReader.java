package dev.vitals.incident;

import dev.vitals.dashboard.IncidentBoard;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/** Incidents as the dashboard shows them: open ones first (oldest first), then the latest resolved ones. */
@Component
class IncidentBoardReader implements IncidentBoard {
    private final IncidentStore store;

    IncidentBoardReader(IncidentStore store) {
        this.store = store;
    }

    @Override
    public List<IncidentRow> incidents(int resolved) {
        return Stream.concat(store.open().stream(),
                        store.search(Incident.Status.RESOLVED.name(), resolved).stream())
                .map(i -> new IncidentRow(i.id(), i.severity().name(), i.title(), i.service(), i.environment(),
                        i.status().name(), i.commander(), i.openedAt(),
                        i.acknowledgedAt() == null ? i.ackDeadline() : null, i.acknowledgedAt(), i.acknowledgedBy(),
                        i.escalatedTo(), i.resolvedAt()))
                .toList();
    }
}
