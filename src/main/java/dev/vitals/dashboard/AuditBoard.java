package dev.vitals.dashboard;

import java.time.Instant;
import java.util.List;

/** What the dashboard reads of the audit log: implemented by the audit feature. */
public interface AuditBoard {

    /** The newest entries, newest first. */
    List<Entry> latest(int limit);

    /** The whole chain checked now, against the latest anchor kept outside the database. */
    Verification verify();

    record Entry(long id, Instant at, String actor, String action, String subject, String detail, String hash) {
    }

    /** {@code anchorAt}/{@code anchorEntries}: the anchor compared with (null when none was made yet). */
    record Verification(boolean valid, long entries, Long firstBrokenAt, String problem, String head,
                        Instant anchorAt, Long anchorEntries) {
    }
}
