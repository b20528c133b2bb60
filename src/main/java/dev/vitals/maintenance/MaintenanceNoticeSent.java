package dev.vitals.maintenance;

import java.time.Instant;

/** A notice of a maintenance window went out in the announcements channel ({@code late}: after Vitals was down). */
public record MaintenanceNoticeSent(String windowId, String environment, String channel, String kind, boolean late,
                                    Instant dueAt, Instant at) {
}
