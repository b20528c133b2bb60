package dev.vitals.dashboard;

import java.time.Instant;
import java.util.List;

/** What the dashboard reads of maintenance windows: implemented by the maintenance feature. */
public interface MaintenanceBoard {

    /** Windows that are active or still to come, soonest first, and the latest ended or cancelled ones. */
    List<WindowRow> windows(int limit);

    record WindowRow(String id, String environment, List<String> services, Instant start, Instant end, String status,
                     String reason, String openedBy) {
    }
}
