package dev.vitals.deploy;

import java.time.Instant;
import java.util.Optional;

/** Whether a maintenance window covers a service in an environment at an instant, and when the next one is. */
public interface MaintenanceWindows {
    boolean active(String environment, String service, Instant at);

    /** The earliest window for the service that has not ended by {@code after} (it may already be running). */
    default Optional<Upcoming> next(String environment, String service, Instant after) {
        return Optional.empty();
    }

    /** A window by its id and times, to tell people when changes that need one can run. */
    record Upcoming(String id, Instant start, Instant end) {
    }
}
