package dev.vitals.incident;

import java.time.Instant;

/**
 * An incident's state changed: {@code kind} is {@code opened}, {@code ack}, {@code severity},
 * {@code commander}, {@code resolved}, {@code escalation} or {@code reminder}; {@code text} is its timeline
 * line. Published in the transaction of the change (the audit trail hears it durably).
 */
public record IncidentChanged(String incidentId, String service, String environment, String kind, String actor,
                              String text, Instant at) {
}
