package dev.vitals.incident;

import dev.vitals.catalog.Severity;
import java.time.Instant;

/** One incident as stored; {@code status} OPEN, ACKNOWLEDGED or RESOLVED. */
record Incident(String id, String title, Severity severity, Status status, String service, String environment,
                String source, String sourceKey, String commander, String openedBy, Instant openedAt,
                Instant ackDeadline, Instant acknowledgedAt, String acknowledgedBy, Instant resolvedAt, String summary,
                String escalatedTo, Instant escalateAt, Instant nextUpdateAt, String cardChannel, String cardMessage,
                String threadId, String postmortem) {

    enum Status { OPEN, ACKNOWLEDGED, RESOLVED }

    boolean open() {
        return status != Status.RESOLVED;
    }

    /** Where commands and chat call it: its id, severity and title. */
    String label() {
        return id + " (" + severity + ")";
    }
}
