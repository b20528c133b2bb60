package dev.vitals.audit;

import dev.vitals.secrets.Secrets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The audit log in PostgreSQL. Appends are serialized by a transaction-scoped advisory lock, so the
 * predecessor read and the insert happen as one step and concurrent writers (threads or processes)
 * can never fork the chain; ids are drawn under the same lock, so id order is chain order. Reads go
 * page by page in id order, so neither verification nor export holds the whole log in memory.
 */
@Repository
class AuditLog implements InitializingBean {
    static final int PAGE = 1000;
    /** Longest text kept in one field; an entry is evidence, not a place for whole logs. */
    static final int MAX_FIELD = 4000;
    // An arbitrary constant that only the audit log uses as an advisory lock key ("VITALAUD").
    static final long APPEND_LOCK = 0x564954414c415544L;

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final AuditKey key;
    private final AuditAnchors anchors;

    AuditLog(JdbcClient jdbc, TransactionTemplate tx, Clock clock, AuditKey key, AuditAnchors anchors) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
        this.key = key;
        this.anchors = anchors;
    }

    /**
     * Once, before the first keyed entry: a log written before the chain had a key ends with a plain
     * SHA-256 entry; the anchors file records up to which entry that is accepted. Later entries must
     * carry the HMAC, and the first of them links to that last unkeyed one, so none of the older ones
     * can change either.
     */
    @Override
    public void afterPropertiesSet() {
        if (anchors.legacyThrough().isPresent()) {
            return;
        }
        Optional<AuditEntry> head = jdbc.sql("SELECT * FROM audit ORDER BY id DESC LIMIT 1").query(this::row).optional();
        long through = head.filter(e -> !AuditHash.of(e, key.bytes()).equals(e.hash())
                && AuditHash.legacySha256(e).equals(e.hash())).map(AuditEntry::id).orElse(0L);
        anchors.legacyThrough(through);
        if (through > 0) {
            log.info("The audit log's entries up to #{} predate the audit key (plain SHA-256); entries from now on"
                    + " carry the HMAC (key from {})", through, key.source());
        }
    }

    /**
     * Appends an entry at the end of the chain and returns it as stored. Inside a caller's transaction
     * it joins it, so the entry commits or rolls back with the change it records (the lock is then
     * held until that commit); on its own it is a short transaction of its own.
     */
    AuditEntry append(AuditEntry.Draft d) {
        AuditEntry stored = tx.execute(status -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(APPEND_LOCK).query().listOfRows();
            // Read after the lock is held: in READ COMMITTED each statement sees what committed before it,
            // which now includes the previous appender's entry.
            Tail tail = jdbc.sql("SELECT nextval('audit_id_seq'), (SELECT hash FROM audit ORDER BY id DESC LIMIT 1)")
                    .query((rs, n) -> new Tail(rs.getLong(1), rs.getString(2))).single();
            AuditEntry e = new AuditEntry(tail.nextId(), AuditHash.micros(clock.instant()), clean(d.actor()),
                    clean(d.action()), clean(d.channel()), clean(d.service()), clean(d.subject()), clean(d.before()),
                    clean(d.after()), clean(d.detail()), tail.lastHash(), null);
            e = withHash(e, AuditHash.of(e, key.bytes()));
            jdbc.sql("""
                            INSERT INTO audit (id, at, actor, action, channel, service, subject, before, after, detail,
                                               prev_hash, hash)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(e.id(), OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC), e.actor(), e.action(), e.channel(),
                            e.service(), e.subject(), e.before(), e.after(), e.detail(), e.prevHash(), e.hash())
                    .update();
            return e;
        });
        return Objects.requireNonNull(stored);
    }

    private record Tail(long nextId, String lastHash) {
    }

    /** Entries at or after {@code since} (null: from the start) with an id above {@code afterId}, in id order. */
    List<AuditEntry> page(Instant since, long afterId, int limit) {
        return jdbc.sql("SELECT * FROM audit WHERE id > ? AND at >= ? ORDER BY id LIMIT ?")
                .params(afterId, timestamp(since), limit).query(this::row).list();
    }

    /** The newest {@code limit} entries, newest first. */
    List<AuditEntry> latest(int limit) {
        return jdbc.sql("SELECT * FROM audit ORDER BY id DESC LIMIT ?").param(limit).query(this::row).list();
    }

    /**
     * Every entry at or after {@code since} in id order, handed over one at a time until {@code each}
     * returns false. With a service: the entries that name it, and every entry about the same subjects
     * (so a deployment's entries come whole). Returns how many entries were handed over.
     */
    long forEach(Instant since, String service, Predicate<AuditEntry> each) {
        long after = 0;
        long count = 0;
        while (true) {
            List<AuditEntry> page = service == null ? page(since, after, PAGE)
                    : jdbc.sql("""
                                    SELECT * FROM audit WHERE id > ? AND at >= ?
                                      AND (service = ? OR subject IN (SELECT subject FROM audit
                                                                      WHERE service = ? AND subject IS NOT NULL))
                                    ORDER BY id LIMIT ?""")
                            .params(after, timestamp(since), service, service, PAGE).query(this::row).list();
            for (AuditEntry e : page) {
                if (!each.test(e)) {
                    return count;
                }
                count++;
                after = e.id();
            }
            if (page.size() < PAGE) {
                return count;
            }
        }
    }

    /**
     * The result of walking the whole chain: {@code firstBrokenAt} is null when every link holds and the
     * log still holds what the latest anchor (if any) recorded. {@code lastId}/{@code lastHash}: the head.
     */
    record Verification(boolean valid, long entries, Long firstBrokenAt, String problem, Long lastId, String lastHash,
                        AuditAnchors.Anchor anchor) {
    }

    /**
     * Walks the chain from its first entry, recomputing every keyed hash and checking every link, and
     * compares the log with the latest anchor kept outside the database, so that removing the newest
     * entries is caught as well as changing one. Keeps counting after a break, so the answer also says
     * how long the log is.
     */
    Verification verify() {
        AuditAnchors.Anchor anchor = anchors.latest().orElse(null);
        long legacyThrough = anchors.legacyThrough().orElse(0);
        long after = 0;
        long count = 0;
        String previous = null;
        Long brokenAt = null;
        String problem = null;
        Long previousId = null;
        boolean anchorChecked = anchor == null;
        while (true) {
            List<AuditEntry> page = jdbc.sql("SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?")
                    .params(after, PAGE).query(this::row).list();
            for (AuditEntry e : page) {
                if (!anchorChecked && e.id() >= anchor.headId()) {
                    anchorChecked = true;
                    if (brokenAt == null && e.id() > anchor.headId()) {
                        brokenAt = previousId == null ? 1 : previousId + 1;
                        problem = missing(anchor, count, previousId);
                    } else if (brokenAt == null && !e.hash().equals(anchor.head())) {
                        brokenAt = e.id();
                        problem = "it is not the entry anchored as head at " + AuditHash.at(anchor.at())
                                + " (hash " + anchor.head() + "): the log was rewritten up to there";
                    } else if (brokenAt == null && count + 1 != anchor.entries()) {
                        brokenAt = e.id();
                        problem = "the anchor of " + AuditHash.at(anchor.at()) + " recorded " + anchor.entries()
                                + " entries up to it, the log now has " + (count + 1);
                    }
                }
                count++;
                if (brokenAt == null) {
                    if (!Objects.equals(e.prevHash(), previous)) {
                        brokenAt = e.id();
                        problem = previousId == null
                                ? "the first entry names a predecessor that is not in the log (entries before it are missing)"
                                : "it does not follow entry #" + previousId + " (an entry was removed, inserted or"
                                + " reordered between them)";
                    } else if (!hashHolds(e, legacyThrough)) {
                        brokenAt = e.id();
                        problem = "its content no longer matches its hash (it was changed after it was written, or"
                                + " rehashed without the audit key)";
                    }
                }
                previous = e.hash();
                previousId = e.id();
                after = e.id();
            }
            if (page.size() < PAGE) {
                if (!anchorChecked && brokenAt == null) {
                    brokenAt = previousId == null ? 1 : previousId + 1;
                    problem = missing(anchor, count, previousId);
                }
                return new Verification(brokenAt == null, count, brokenAt, problem, previousId, previous, anchor);
            }
        }
    }

    private boolean hashHolds(AuditEntry e, long legacyThrough) {
        return AuditHash.of(e, key.bytes()).equals(e.hash())
                || (e.id() <= legacyThrough && AuditHash.legacySha256(e).equals(e.hash()));
    }

    private static String missing(AuditAnchors.Anchor anchor, long present, Long lastPresent) {
        long first = lastPresent == null ? 1 : lastPresent + 1;
        return "the anchor of " + AuditHash.at(anchor.at()) + " recorded " + anchor.entries() + " entries with head #"
                + anchor.headId() + " (hash " + anchor.head() + "); entry #" + anchor.headId() + " is missing, and with"
                + " it " + (anchor.entries() - present) + " anchored entr" + (anchor.entries() - present == 1 ? "y" : "ies")
                + " from #" + first + " on: they were removed after the anchor";
    }

    /** The newest entry with this action, e.g. the previous configuration load. */
    Optional<AuditEntry> last(String action) {
        return jdbc.sql("SELECT * FROM audit WHERE action = ? ORDER BY id DESC LIMIT 1")
                .param(action).query(this::row).optional();
    }

    long count() {
        return jdbc.sql("SELECT count(*) FROM audit").query(Long.class).single();
    }

    private AuditEntry row(ResultSet rs, int n) throws SQLException {
        return new AuditEntry(rs.getLong("id"), rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getString("actor"), rs.getString("action"), rs.getString("channel"), rs.getString("service"),
                rs.getString("subject"), rs.getString("before"), rs.getString("after"), rs.getString("detail"),
                rs.getString("prev_hash"), rs.getString("hash"));
    }

    private static OffsetDateTime timestamp(Instant since) {
        return OffsetDateTime.ofInstant(since == null ? Instant.EPOCH : since, ZoneOffset.UTC);
    }

    private static AuditEntry withHash(AuditEntry e, String hash) {
        return new AuditEntry(e.id(), e.at(), e.actor(), e.action(), e.channel(), e.service(), e.subject(), e.before(),
                e.after(), e.detail(), e.prevHash(), hash);
    }

    /**
     * Text exactly as PostgreSQL will give it back, or the hash would not verify: NUL (which a TEXT
     * column refuses) and unpaired surrogates (which UTF-8 cannot carry) become U+FFFD, and over-long
     * text is cut on a character boundary.
     */
    static String clean(String raw) {
        if (raw == null) {
            return null;
        }
        // Secret values never enter the trail: it can never be edited to take them out again.
        String s = Secrets.redact(raw);
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_FIELD + 1));
        int chars = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == 0 || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                cp = 0xFFFD;
            }
            if (chars == MAX_FIELD) {
                out.append('…');
                break;
            }
            out.appendCodePoint(cp);
            chars++;
        }
        return out.toString();
    }
}
