package dev.vitals.audit;

import dev.vitals.dashboard.AuditBoard;
import java.util.List;
import org.springframework.stereotype.Component;

/** The audit log as the dashboard shows it: the newest entries and a verification that anchors nothing. */
@Component
class AuditBoardReader implements AuditBoard {
    private final AuditLog audit;

    AuditBoardReader(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public List<Entry> latest(int limit) {
        return audit.latest(limit).stream()
                .map(e -> new Entry(e.id(), e.at(), e.actor(), e.action(), e.subject(), e.detail(), e.hash()))
                .toList();
    }

    @Override
    public Verification verify() {
        AuditLog.Verification v = audit.verify();
        return new Verification(v.valid(), v.entries(), v.firstBrokenAt(), v.problem(), v.lastHash(),
                v.anchor() == null ? null : v.anchor().at(), v.anchor() == null ? null : v.anchor().entries());
    }
}
