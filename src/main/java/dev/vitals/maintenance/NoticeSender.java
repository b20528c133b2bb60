package dev.vitals.maintenance;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import dev.vitals.chat.MessageRef;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.Deployments;
import dev.vitals.leadership.Leadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the notices that are due, earliest first, each once: a notice is claimed (row-locked), posted in
 * the environment's announcements channel, and marked sent in one transaction, so a crash before the
 * mark sends it again rather than never. One that goes out more than {@link Notice#LATE_AFTER} after it
 * was due says so. Each notice also updates the window's notice message, which shows its current state.
 * Only the active Vitals sends.
 */
@Component
class NoticeSender {
    private static final Logger log = LoggerFactory.getLogger(NoticeSender.class);

    private final java.util.concurrent.locks.ReentrantLock sending = new java.util.concurrent.locks.ReentrantLock();
    private final Catalog catalog;
    private final WindowStore store;
    private final ChatPlatform chat;
    private final Deployments deployments;
    private final Leadership leadership;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final NoticeText text;

    NoticeSender(Catalog catalog, WindowStore store, ChatPlatform chat, Deployments deployments,
                 Leadership leadership, ApplicationEventPublisher events, TransactionTemplate tx, Clock clock,
                 NoticeText text) {
        this.catalog = catalog;
        this.store = store;
        this.chat = chat;
        this.deployments = deployments;
        this.leadership = leadership;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
        this.text = text;
    }

    /** Sends every notice due now, in order; returns how many went out. */
    int sendDue() {
        // One sender at a time in this process (the timer and a command can both ask); other processes are
        // kept apart by the row claim and by leadership.
        sending.lock();
        try {
            return sendDueNow();
        } finally {
            sending.unlock();
        }
    }

    private int sendDueNow() {
        int sent = 0;
        while (leadership.isActive()) {
            Boolean one = tx.execute(t -> {
                Instant now = clock.instant();
                Optional<Notice> due = store.claimDue(now);
                if (due.isEmpty()) {
                    return false;
                }
                send(due.get(), now);
                return true;
            });
            if (one == null || !one) {
                return sent;
            }
            sent++;
        }
        return sent;
    }

    private void send(Notice n, Instant now) {
        Window w = store.find(n.windowId()).orElseThrow();
        boolean late = Duration.between(n.due(), now).compareTo(Notice.LATE_AFTER) > 0;
        String body = switch (n.kind()) {
            case SCHEDULED -> text.scheduled(w);
            case REMINDER -> text.reminder(w, Duration.between(now, w.start()).isNegative() ? Duration.ZERO
                    : Duration.between(now, w.start()));
            case START -> text.start(w) + NoticeText.pageNote(MaintenanceMode.paged(catalog, w));
            case ENDING_SOON -> text.endingSoon(w, now);
            case COMPLETION -> text.completion(w, changes(w));
            case CANCELLED -> text.cancelled(w, w.closedBy() == null ? "a maintainer" : w.closedBy());
            case EXTENDED -> text.extended(w, n.lead() == null ? Duration.ZERO : n.lead());
        };
        String channel = channel(w);
        MessageRef posted = chat.post(channel, Message.text(late ? text.late(n.due()) + body : body));
        store.markSent(n.id(), now, late, posted.id());
        updateCard(w, posted, now);
        events.publishEvent(new MaintenanceNoticeSent(w.id(), w.environment(), channel, n.kind().word(), late, n.due(),
                now));
    }

    /**
     * The first notice of a window is its notice message; later ones edit it to the window's current state
     * (where the platform allows edits), besides being posted for the moments people must be told.
     */
    private void updateCard(Window w, MessageRef posted, Instant now) {
        if (w.notice() == null) {
            store.setNoticeMessage(w.id(), posted);
            return;
        }
        try {
            chat.edit(w.notice(), Message.text(text.card(w, now)));
        } catch (RuntimeException e) {
            log.info("Notice message of {} could not be edited ({}); the new notice was posted", w.id(),
                    e.getClass().getSimpleName());
        }
    }

    private String channel(Window w) {
        Catalog.Environment env = catalog.environments().get(w.environment());
        return env == null ? "announcements" : env.channels().announcements();
    }

    /** Deployments that ran in the window's environment on its services while it was open, oldest first. */
    private List<NoticeText.Change> changes(Window w) {
        List<NoticeText.Change> changes = new ArrayList<>();
        List<Deployment> ran = new ArrayList<>();
        for (String service : w.services()) {
            for (Deployment d : deployments.search(service, w.environment(), null, 100)) {
                Instant when = d.finishedAt() != null ? d.finishedAt() : d.updatedAt();
                boolean ranHere = switch (d.status()) {
                    case SUCCEEDED, FAILED, ROLLED_BACK, RUNNING -> true;
                    default -> false;
                };
                if (ranHere && !when.isBefore(w.start()) && !when.isAfter(w.end().plusSeconds(1))) {
                    ran.add(d);
                }
            }
        }
        ran.sort(Comparator.comparing(Deployment::createdAt));
        for (Deployment d : ran) {
            changes.add(new NoticeText.Change(d.service(), d.version(), outcome(d)));
        }
        return changes;
    }

    private static String outcome(Deployment d) {
        return switch (d.status()) {
            case SUCCEEDED -> d.kind() == Deployment.Kind.ROLLBACK ? "returned to this earlier version, completed"
                    : "completed successfully";
            case FAILED -> "did not complete; the previous version stayed in use";
            case ROLLED_BACK -> "was undone; the previous version is back in use";
            case RUNNING -> "still being finished by the IT team";
            default -> d.status().name().toLowerCase();
        };
    }
}
