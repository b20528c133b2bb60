package dev.vitals.incident;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.IncidentSettings;
import dev.vitals.catalog.Severity;
import dev.vitals.leadership.Leadership;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every change to an incident: one transaction each (the row locked, the change and its timeline entry
 * written), then chat follows what was committed. Refusals are {@link IncidentRefused}.
 */
@Service
class Incidents {
    private final IncidentStore store;
    private final IncidentChat chat;
    private final Catalog catalog;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Leadership leadership;
    private final ApplicationEventPublisher events;

    Incidents(IncidentStore store, IncidentChat chat, Catalog catalog, TransactionTemplate tx, Clock clock,
              Leadership leadership, ApplicationEventPublisher events) {
        this.events = events;
        this.store = store;
        this.chat = chat;
        this.catalog = catalog;
        this.tx = tx;
        this.clock = clock;
        this.leadership = leadership;
    }

    /** What to open: {@code sourceKey} non-null makes it idempotent (one open incident per key). */
    record Opening(Severity severity, String title, String service, String environment, String source,
                   String sourceKey, String openedBy, List<String> deployments, String firstEntry) {
    }

    /** The incident opened, or the open one that already had the source key ({@code created} false). */
    record Opened(Incident incident, boolean created) {
    }

    IncidentSettings settings() {
        return catalog.incidents();
    }

    /** The environment an incident belongs to when none is named: production if there is one. */
    String environmentOr(String named) {
        if (named != null) {
            return named;
        }
        return catalog.environments().containsKey("production") ? "production" : catalog.defaultEnvironment().name();
    }

    String channelOf(Incident i) {
        Catalog.Environment env = catalog.environments().get(i.environment());
        return env == null ? "incidents" : env.channels().incidents();
    }

    Opened open(Opening o) {
        refuseOnStandby();
        Opened result = tx.execute(t -> {
            if (o.sourceKey() != null) {
                Optional<Incident> existing = store.openBySource(o.sourceKey());
                if (existing.isPresent()) {
                    return new Opened(existing.get(), false);
                }
            }
            Instant now = clock.instant();
            Duration target = settings().target(o.severity());
            Instant deadline = now.plus(target);
            Instant nextUpdate = settings().update(o.severity()).map(now::plus).orElse(null);
            Incident i = new Incident(store.nextId(), o.title(), o.severity(), Incident.Status.OPEN, o.service(),
                    o.environment(), o.source(), o.sourceKey(), null, o.openedBy(), now, deadline, null, null, null,
                    null, null, deadline, nextUpdate, null, null, null, null);
            if (!store.insert(i)) {
                // Another delivery with the same key won the race: that one is the incident.
                return new Opened(store.openBySource(o.sourceKey()).orElseThrow(), false);
            }
            changed(i, now, "opened", o.openedBy(), o.severity() + " opened by " + o.openedBy() + " (" + o.source()
                    + "): " + o.title());
            if (o.firstEntry() != null) {
                store.addEntry(i.id(), now, o.source(), o.firstEntry());
            }
            for (String d : o.deployments()) {
                store.link(i.id(), d, now);
                store.addEntry(i.id(), now, "deployment", "linked deployment " + d);
            }
            return new Opened(i, true);
        });
        if (result.created()) {
            chat.opened(result.incident().id());
        }
        return result;
    }

    /** The incident a command means: the one named, else the one whose thread it was typed in. */
    Incident target(Optional<String> named, String thread) {
        if (named.isPresent()) {
            return store.find(named.get()).orElseThrow(() -> new IncidentRefused("No incident " + named.get() + ". "
                    + openList()));
        }
        if (thread != null) {
            Optional<Incident> here = store.byThread(thread);
            if (here.isPresent()) {
                return here.get();
            }
        }
        throw new IncidentRefused("Which incident? Type the command in its thread, or name it with id:<I-n>. "
                + openList());
    }

    String openList() {
        List<Incident> open = store.open();
        if (open.isEmpty()) {
            return "No incident is open.";
        }
        List<String> lines = new ArrayList<>();
        for (Incident i : open) {
            lines.add("• " + i.label() + " " + i.status().name().toLowerCase() + " — " + IncidentChat.inert(i.title())
                    + (i.service() == null ? "" : " [" + i.service() + " in " + i.environment() + "]"));
        }
        return "Open incidents:\n" + String.join("\n", lines);
    }

    Incident ack(String id, String who) {
        return change(id, who, i -> {
            if (i.status() != Incident.Status.OPEN) {
                throw new IncidentRefused(i.id() + " is already " + i.status().name().toLowerCase()
                        + (i.acknowledgedBy() == null ? "" : " (by " + i.acknowledgedBy() + ")") + "; nothing to do.");
            }
            Instant now = clock.instant();
            changed(i, now, "ack", who, "acknowledged by " + who + " after "
                    + IncidentChat.words(Duration.between(i.openedAt(), now)));
            return with(i, Incident.Status.ACKNOWLEDGED, i.severity(), i.commander() == null ? who : i.commander(),
                    i.ackDeadline(), now, who, null, null, i.escalatedTo(), null, i.nextUpdateAt(), null);
        });
    }

    Incident update(String id, String who, String text) {
        return change(id, who, i -> {
            Instant now = clock.instant();
            store.addEntry(i.id(), now, "update", who + ": " + text);
            Instant next = settings().update(i.severity()).map(now::plus).orElse(null);
            return with(i, i.status(), i.severity(), i.commander(), i.ackDeadline(), i.acknowledgedAt(),
                    i.acknowledgedBy(), null, null, i.escalatedTo(), i.escalateAt(), next, null);
        });
    }

    Incident severity(String id, String who, Severity severity) {
        return change(id, who, i -> {
            if (i.severity() == severity) {
                throw new IncidentRefused(i.id() + " is " + severity + " already.");
            }
            Instant now = clock.instant();
            changed(i, now, "severity", who, who + " changed the severity from " + i.severity() + " to "
                    + severity);
            // Unacknowledged, the new severity's target counts from the opening; an escalation already made stays.
            Instant deadline = i.status() == Incident.Status.OPEN ? i.openedAt().plus(settings().target(severity))
                    : i.ackDeadline();
            Instant escalate = i.status() == Incident.Status.OPEN && i.escalatedTo() == null ? deadline : null;
            Instant next = settings().update(severity).map(now::plus).orElse(null);
            return with(i, i.status(), severity, i.commander(), deadline, i.acknowledgedAt(), i.acknowledgedBy(), null,
                    null, i.escalatedTo(), escalate, next, null);
        });
    }

    Incident commander(String id, String who, String commander) {
        return change(id, who, i -> {
            changed(i, clock.instant(), "commander", who, who + " made " + commander + " the commander");
            return with(i, i.status(), i.severity(), commander, i.ackDeadline(), i.acknowledgedAt(),
                    i.acknowledgedBy(), null, null, i.escalatedTo(), i.escalateAt(), i.nextUpdateAt(), null);
        });
    }

    Incident resolve(String id, String who, String summary, PostMortem postMortem) {
        Incident resolved = change(id, who, i -> {
            Instant now = clock.instant();
            changed(i, now, "resolved", who, "resolved by " + who + ": " + summary);
            Incident r = with(i, Incident.Status.RESOLVED, i.severity(), i.commander(), i.ackDeadline(),
                    i.acknowledgedAt(), i.acknowledgedBy(), now, summary, i.escalatedTo(), null, null, null);
            return with(r, r.status(), r.severity(), r.commander(), r.ackDeadline(), r.acknowledgedAt(),
                    r.acknowledgedBy(), now, summary, r.escalatedTo(), null, null, postMortem.draft(r));
        });
        chat.postMortem(resolved.id());
        return resolved;
    }

    /** Adds a line to an open incident's timeline (deployments, health, alerts); false when it is resolved. */
    boolean note(String id, String kind, String text, String deploymentId) {
        Boolean added = tx.execute(t -> {
            Incident i = store.findForUpdate(id).orElse(null);
            if (i == null || !i.open()) {
                return false;
            }
            Instant now = clock.instant();
            store.addEntry(id, now, kind, text);
            if (deploymentId != null) {
                store.link(id, deploymentId, now);
            }
            return true;
        });
        if (Boolean.TRUE.equals(added)) {
            chat.note(id, text);
            chat.refreshCard(id);
        }
        return Boolean.TRUE.equals(added);
    }

    /**
     * Something a person wrote in the thread of an open incident, kept in its timeline (and so in the
     * post-mortem); nothing is said back. False when the thread is no open incident's.
     */
    boolean said(String threadId, String channel, String author, String text, Instant at) {
        return Boolean.TRUE.equals(tx.execute(t -> {
            Optional<Incident> here = store.byThread(threadId)
                    .filter(i -> channel == null || i.cardChannel() == null || channel.equals(i.cardChannel()));
            if (here.isEmpty()) {
                return false;
            }
            Incident i = store.findForUpdate(here.get().id()).orElse(null);
            if (i == null || !i.open()) {
                return false;
            }
            store.addEntry(i.id(), at, "message", author + ": " + text);
            return true;
        }));
    }

    /**
     * The escalation and update reminder that are due at {@code now}, each incident once per claim; returns
     * how many incidents were acted on. The timer calls it with the clock's instant.
     */
    int runDue(Instant now) {
        int acted = 0;
        while (leadership.isActive()) {
            List<Runnable> afterwards = new ArrayList<>();
            Boolean one = tx.execute(t -> {
                Optional<Incident> due = store.claimDue(now);
                if (due.isEmpty()) {
                    return false;
                }
                Incident i = due.get();
                String escalatedTo = i.escalatedTo();
                Instant escalateAt = i.escalateAt();
                Instant nextUpdate = i.nextUpdateAt();
                if (escalateAt != null && !escalateAt.isAfter(now)) {
                    escalateAt = null;
                    if (i.status() == Incident.Status.OPEN) {
                        String to = settings().after(settings().onCall()).orElse(settings().onCall());
                        escalatedTo = to;
                        changed(i, now, "escalation", "vitals", "not acknowledged within "
                                + IncidentChat.words(settings().target(i.severity())) + " (" + i.severity()
                                + " target): escalated to " + to);
                        afterwards.add(() -> chat.escalated(i.id(), to));
                    }
                }
                if (nextUpdate != null && !nextUpdate.isAfter(now)) {
                    Duration every = settings().update(i.severity()).orElse(null);
                    nextUpdate = every == null ? null : now.plus(every);
                    changed(i, now, "reminder", "vitals", "update reminder: no update for "
                            + (every == null ? "a while" : IncidentChat.words(every)));
                    afterwards.add(() -> chat.remind(i.id()));
                }
                store.update(with(i, i.status(), i.severity(), i.commander(), i.ackDeadline(), i.acknowledgedAt(),
                        i.acknowledgedBy(), i.resolvedAt(), i.summary(), escalatedTo, escalateAt, nextUpdate,
                        i.postmortem()));
                return true;
            });
            if (one == null || !one) {
                return acted;
            }
            afterwards.forEach(Runnable::run);
            acted++;
        }
        return acted;
    }

    /** A state change's timeline line, and its event for the audit trail, in the caller's transaction. */
    private void changed(Incident i, Instant at, String kind, String actor, String text) {
        store.addEntry(i.id(), at, kind, text);
        events.publishEvent(new IncidentChanged(i.id(), i.service(), i.environment(), kind, actor, text, at));
    }

    private Incident change(String id, String who, Function<Incident, Incident> change) {
        refuseOnStandby();
        Incident changed = tx.execute(t -> {
            Incident i = store.findForUpdate(id).orElseThrow(() -> new IncidentRefused("No incident " + id + ". "
                    + openList()));
            if (!i.open()) {
                throw new IncidentRefused(i.id() + " was resolved " + (i.resolvedAt() == null ? ""
                        : "at " + i.resolvedAt()) + "; open a new incident if it is back.");
            }
            Incident next = change.apply(i);
            store.update(next);
            return next;
        });
        chat.refreshCard(id);
        return changed;
    }

    private static Incident with(Incident i, Incident.Status status, Severity severity, String commander,
                                 Instant ackDeadline, Instant acknowledgedAt, String acknowledgedBy, Instant resolvedAt,
                                 String summary, String escalatedTo, Instant escalateAt, Instant nextUpdateAt,
                                 String postmortem) {
        return new Incident(i.id(), i.title(), severity, status, i.service(), i.environment(), i.source(),
                i.sourceKey(), commander, i.openedBy(), i.openedAt(), ackDeadline, acknowledgedAt, acknowledgedBy,
                resolvedAt, summary, escalatedTo, escalateAt, nextUpdateAt, i.cardChannel(), i.cardMessage(),
                i.threadId(), postmortem);
    }

    private void refuseOnStandby() {
        if (!leadership.isActive()) {
            throw new IncidentRefused("this Vitals process is the standby (read-only) now; nothing was changed."
                    + " Try again in a few seconds.");
        }
    }
}
