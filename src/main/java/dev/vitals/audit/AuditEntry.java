package dev.vitals.audit;

import java.time.Instant;

/** One entry of the audit log as stored: its facts, its place in the chain and its hash. */
record AuditEntry(long id, Instant at, String actor, String action, String channel, String service,
                  String subject, String before, String after, String detail, String prevHash, String hash) {

    /** What a listener knows about something that happened; the log adds id, time and hashes. */
    record Draft(String actor, String action, String channel, String service, String subject, String before,
                 String after, String detail) {
    }
}
