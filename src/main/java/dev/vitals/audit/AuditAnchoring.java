package dev.vitals.audit;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Verifies the chain and, when it holds, anchors its head outside the database: in the anchors file
 * under {@code VITALS_HOME} and as a message in the audit channel(s) of the catalog, where the owner of
 * the database cannot take it back. Runs every hour ({@code vitals.audit.anchor-interval}) and at every
 * verify. A broken log is never anchored (that would make the damage the new normal); it is reported
 * in the same channels instead.
 */
@Component
class AuditAnchoring {
    private static final Logger log = LoggerFactory.getLogger(AuditAnchoring.class);

    private final AuditLog audit;
    private final AuditAnchors anchors;
    private final ChatPlatform chat;
    private final Catalog catalog;
    private final Clock clock;

    AuditAnchoring(AuditLog audit, AuditAnchors anchors, ChatPlatform chat, Catalog catalog, Clock clock) {
        this.audit = audit;
        this.anchors = anchors;
        this.chat = chat;
        this.catalog = catalog;
        this.clock = clock;
    }

    @Scheduled(fixedRateString = "${vitals.audit.anchor-interval:1h}", initialDelayString = "${vitals.audit.anchor-interval:1h}")
    void hourly() {
        AuditLog.Verification v = verifyAndAnchor();
        if (!v.valid()) {
            log.error("AUDIT LOG BROKEN at entry #{}: {}", v.firstBrokenAt(), v.problem());
        }
    }

    /** Verifies; anchors the head when the log holds; says so in the audit channels either way. */
    AuditLog.Verification verifyAndAnchor() {
        AuditLog.Verification v = audit.verify();
        if (v.valid() && v.lastId() != null) {
            AuditAnchors.Anchor now = new AuditAnchors.Anchor(AuditHash.micros(clock.instant()), v.entries(),
                    v.lastId(), v.lastHash());
            anchors.add(now);
            post("Audit anchor of " + AuditHash.at(now.at()) + ": " + now.entries() + " entries, head #" + now.headId()
                    + " " + now.head() + ".");
        } else if (!v.valid()) {
            post(summary(v));
        }
        return v;
    }

    /** One paragraph on the state of the log, as the chat command and the alarm say it. */
    static String summary(AuditLog.Verification v) {
        if (v.valid()) {
            String head = v.lastId() == null ? "no entries yet" : "head #" + v.lastId() + " " + v.lastHash();
            return "Audit log verified: " + v.entries() + " entries, " + head + ", chain intact, "
                    + (v.anchor() == null ? "no earlier anchor to compare with (anchored now)."
                    : "matches the anchor of " + AuditHash.at(v.anchor().at()) + " (" + v.anchor().entries()
                    + " entries, head #" + v.anchor().headId() + ").");
        }
        return "Audit log BROKEN at entry #" + v.firstBrokenAt() + ": " + v.problem() + ". " + v.entries()
                + " entries in the log. Entries from #" + v.firstBrokenAt() + " on cannot be trusted; compare them"
                + " with an earlier export.";
    }

    private void post(String text) {
        Set<String> channels = new LinkedHashSet<>();
        catalog.environments().values().forEach(e -> channels.add(e.channels().audit()));
        for (String channel : channels) {
            try {
                chat.post(channel, Message.text(text));
            } catch (RuntimeException e) {
                // The file anchor is written; a chat outage must not make verification fail.
                log.warn("Could not post the audit anchor to #{}: {}", channel, e.toString());
            }
        }
    }
}
