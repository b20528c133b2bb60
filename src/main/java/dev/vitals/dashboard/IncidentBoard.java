package dev.vitals.dashboard;

import java.time.Instant;
import java.util.List;

/** What the dashboard reads of incidents: implemented by the incident feature. */
public interface IncidentBoard {

    /** Every open (or acknowledged) incident, oldest first, then the most recently resolved ones, newest first. */
    List<IncidentRow> incidents(int resolved);

    /**
     * {@code status}: OPEN, ACKNOWLEDGED or RESOLVED; {@code service} null for a whole environment;
     * {@code ackDeadline} when it must be acknowledged (null once it was).
     */
    record IncidentRow(String id, String severity, String title, String service, String environment, String status,
                       String commander, Instant openedAt, Instant ackDeadline, Instant acknowledgedAt,
                       String acknowledgedBy, String escalatedTo, Instant resolvedAt) {
    }
}
