package dev.vitals.maintenance;

import dev.vitals.chat.MessageRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A maintenance window: the services it covers in one environment, from {@code start} to {@code end}
 * (an early end moves {@code end}), and the notice message that is edited as it progresses.
 */
record Window(String id, String environment, List<String> services, boolean allServices, Instant start,
              Instant end, Status status, String reason, String openedBy, String closedBy, MessageRef notice,
              Instant createdAt) {

    enum Status {
        SCHEDULED, ACTIVE, ENDED, CANCELLED;

        boolean open() {
            return this == SCHEDULED || this == ACTIVE;
        }
    }

    Window {
        services = List.copyOf(services);
    }

    boolean covers(String service) {
        return services.contains(service);
    }

    Duration duration() {
        return Duration.between(start, end);
    }

    /** Covers the service at the instant: not cancelled or ended, and the instant is within it. */
    boolean coversAt(String service, Instant at) {
        return status.open() && covers(service) && !at.isBefore(start) && at.isBefore(end);
    }

    /** The same environment, a service in common, and times that intersect. */
    boolean overlaps(String environment, List<String> services, Instant start, Instant end) {
        return status.open() && this.environment.equals(environment) && services.stream().anyMatch(this::covers)
                && this.start.isBefore(end) && start.isBefore(this.end);
    }

    Window with(Status status, Instant end, String closedBy) {
        return new Window(id, environment, services, allServices, start, end, status, reason, openedBy, closedBy,
                notice, createdAt);
    }
}
