package dev.vitals.maintenance;

import java.time.Instant;
import java.util.List;

/**
 * A maintenance window was scheduled, started, ended, extended or cancelled. {@code from} is null when it
 * was created; {@code detail} says what changed in words (times in UTC).
 */
public record MaintenanceWindowChanged(String windowId, String environment, List<String> services, String from,
                                       String to, String actor, String detail, Instant at) {
}
