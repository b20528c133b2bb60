package dev.vitals.maintenance;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.DurationText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Opens, schedules, ends, extends and cancels windows. Each change is one transaction: the window row
 * (with its environment's windows serialized, so overlaps are refused even when two people act at once),
 * the notices it queues and the event that announces it. The notices go out right after it commits.
 */
@Service
class WindowPlanner {
    private final Catalog catalog;
    private final WindowStore store;
    private final NoticeSender notices;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final NoticeText text;

    WindowPlanner(Catalog catalog, WindowStore store, NoticeSender notices, ApplicationEventPublisher events,
                  TransactionTemplate tx, Clock clock, NoticeText text) {
        this.catalog = catalog;
        this.store = store;
        this.notices = notices;
        this.events = events;
        this.tx = tx;
        this.clock = clock;
        this.text = text;
    }

    /** A new window as asked: {@code start} null = now; {@code services} empty = all of the catalog's. */
    record Request(Instant start, Duration duration, String reason, List<String> services, String environment,
                   String actor) {
    }

    Window open(Request r) {
        Window w = tx.execute(t -> {
            Instant now = clock.instant();
            boolean immediate = r.start() == null;
            Instant start = immediate ? now : r.start();
            if (start.isBefore(now)) {
                throw new WindowRefused("The start " + text.when(start) + " is in the past: give a later time,"
                        + " e.g. in 2h, tomorrow 02:00 or 2026-11-22T02:00.");
            }
            checkDuration(r.duration(), "A maintenance window");
            // Whole seconds: what people, the API and calendars (iCalendar has no fractions) all show alike.
            start = start.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            if (!catalog.environments().containsKey(r.environment())) {
                throw new WindowRefused("Unknown environment " + r.environment() + ". Known environments: "
                        + String.join(", ", catalog.environments().keySet().stream().sorted().toList()) + ".");
            }
            List<String> unknown = r.services().stream().filter(s -> !catalog.services().containsKey(s)).toList();
            if (!unknown.isEmpty()) {
                throw new WindowRefused("Unknown service " + String.join(", ", unknown) + ". Known services: "
                        + String.join(", ", catalog.services().keySet()) + ".");
            }
            boolean all = r.services().isEmpty();
            List<String> services = all ? List.copyOf(catalog.services().keySet()) : r.services();
            Instant end = start.plus(r.duration()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            store.lockEnvironment(r.environment());
            refuseOverlap(r.environment(), services, start, end, null);
            Window window = new Window(store.nextId(), r.environment(), services, all, start, end,
                    immediate ? Window.Status.ACTIVE : Window.Status.SCHEDULED, r.reason(), r.actor(), null, null, now);
            store.insert(window);
            if (immediate) {
                store.addNotice(window.id(), Notice.Kind.START, now, null);
            } else {
                store.addNotice(window.id(), Notice.Kind.SCHEDULED, now, null);
                for (Duration lead : catalog.maintenance().reminders()) {
                    Instant due = start.minus(lead);
                    if (due.isAfter(now)) {
                        store.addNotice(window.id(), Notice.Kind.REMINDER, due, lead);
                    }
                }
                store.addNotice(window.id(), Notice.Kind.START, start, null);
            }
            queueEnd(window, now);
            events.publishEvent(new MaintenanceWindowChanged(window.id(), window.environment(), window.services(), null,
                    window.status().name(), r.actor(), (immediate ? "started" : "scheduled") + " " + window.start()
                    + " – " + window.end() + " (" + DurationText.format(r.duration()) + "): " + r.reason(), now));
            return window;
        });
        notices.sendDue();
        return w;
    }

    /** Ends a window now: the given one, or the one active window when none is named. */
    Window end(Optional<String> id, String actor) {
        Window w = tx.execute(t -> {
            Window window = id.map(this::forUpdate).orElseGet(this::theActiveOne);
            if (window.status() == Window.Status.SCHEDULED) {
                throw new WindowRefused(window.id() + " has not started yet (it starts " + text.when(window.start())
                        + "): /maintenance cancel " + window.id() + " calls it off.");
            }
            if (!window.status().open()) {
                throw new WindowRefused(window.id() + " is already " + window.status().name().toLowerCase()
                        + "; nothing to end. /maintenance list shows the open ones.");
            }
            return close(window, clock.instant(), actor, "ended early by " + actor);
        });
        notices.sendDue();
        return w;
    }

    Window extend(String id, Duration by, String actor) {
        Window w = tx.execute(t -> {
            Instant now = clock.instant();
            Window window = forUpdate(id);
            if (!window.status().open()) {
                throw new WindowRefused(window.id() + " is already " + window.status().name().toLowerCase()
                        + ": it cannot be extended. Open a new one with /maintenance start <duration> <reason>.");
            }
            if (by.isZero() || by.isNegative()) {
                throw new WindowRefused("Extend by a duration above zero, e.g. 30m.");
            }
            Instant end = window.end().plus(by);
            checkDuration(Duration.between(window.start(), end), "Extended, " + window.id());
            store.lockEnvironment(window.environment());
            refuseOverlap(window.environment(), window.services(), window.start(), end, window.id());
            Window longer = window.with(window.status(), end, null);
            store.update(longer, window.status(), now);
            store.dropPending(window.id(), Notice.Kind.ENDING_SOON, Notice.Kind.COMPLETION);
            store.addNotice(window.id(), Notice.Kind.EXTENDED, now, by);
            queueEnd(longer, now);
            events.publishEvent(new MaintenanceWindowChanged(window.id(), window.environment(), window.services(),
                    window.status().name(), longer.status().name(), actor, "extended by " + DurationText.format(by)
                    + ": now ends " + end, now));
            return longer;
        });
        notices.sendDue();
        return w;
    }

    Window cancel(String id, String actor) {
        Window w = tx.execute(t -> {
            Instant now = clock.instant();
            Window window = forUpdate(id);
            if (window.status() == Window.Status.ACTIVE) {
                throw new WindowRefused(window.id() + " has already started: /maintenance end " + window.id()
                        + " ends it now (with its completion notice).");
            }
            if (window.status() != Window.Status.SCHEDULED) {
                throw new WindowRefused(window.id() + " is already " + window.status().name().toLowerCase()
                        + "; nothing to cancel. /maintenance list shows the open ones.");
            }
            Window cancelled = window.with(Window.Status.CANCELLED, window.end(), actor);
            store.update(cancelled, Window.Status.SCHEDULED, now);
            store.dropPending(window.id(), Notice.Kind.values());
            store.addNotice(window.id(), Notice.Kind.CANCELLED, now, null);
            events.publishEvent(new MaintenanceWindowChanged(window.id(), window.environment(), window.services(),
                    window.status().name(), cancelled.status().name(), actor, "cancelled by " + actor, now));
            return cancelled;
        });
        notices.sendDue();
        return w;
    }

    List<Window> open() {
        return store.open();
    }

    /**
     * Moves windows whose start or end has come (on time, or found so after Vitals was down): a start
     * drops reminders that no longer apply, an end drops a pending ending-soon notice and leaves the
     * completion notice due. Returns how many moved.
     */
    int moveDue() {
        Integer moved = tx.execute(t -> {
            Instant now = clock.instant();
            int n = 0;
            for (Window w : store.dueToMove(now)) {
                if (w.status() == Window.Status.SCHEDULED) {
                    Window active = w.with(Window.Status.ACTIVE, w.end(), null);
                    store.update(active, Window.Status.SCHEDULED, now);
                    store.dropPending(w.id(), Notice.Kind.REMINDER);
                    events.publishEvent(new MaintenanceWindowChanged(w.id(), w.environment(), w.services(),
                            w.status().name(), active.status().name(), "vitals", "started at " + w.start(), now));
                    w = active;
                    n++;
                }
                if (!w.end().isAfter(now)) {
                    close(w, w.end(), "vitals", "ended at " + w.end());
                    n++;
                }
            }
            return n;
        });
        return moved == null ? 0 : moved;
    }

    private Window close(Window window, Instant end, String actor, String detail) {
        Instant now = clock.instant();
        Window ended = window.with(Window.Status.ENDED, end, actor);
        store.update(ended, window.status(), now);
        store.dropPending(window.id(), Notice.Kind.REMINDER, Notice.Kind.START, Notice.Kind.ENDING_SOON,
                Notice.Kind.COMPLETION);
        store.addNotice(window.id(), Notice.Kind.COMPLETION, end, null);
        events.publishEvent(new MaintenanceWindowChanged(window.id(), window.environment(), window.services(),
                window.status().name(), ended.status().name(), actor, detail, now));
        return ended;
    }

    /** Queues the ending-soon (when there is time for it) and completion notices of a window's end. */
    private void queueEnd(Window w, Instant now) {
        Instant endingSoon = w.end().minus(catalog.maintenance().endingSoon());
        if (endingSoon.isAfter(now) && endingSoon.isAfter(w.start())) {
            store.addNotice(w.id(), Notice.Kind.ENDING_SOON, endingSoon, null);
        }
        store.addNotice(w.id(), Notice.Kind.COMPLETION, w.end(), null);
    }

    private void checkDuration(Duration d, String what) {
        Duration max = catalog.maintenance().maxDuration();
        if (d.isZero() || d.isNegative()) {
            throw new WindowRefused(what + " must last longer than 0s: give a duration such as 30m or 2h.");
        }
        if (d.compareTo(max) > 0) {
            throw new WindowRefused(what + " would last " + DurationText.format(d) + ", longer than the "
                    + DurationText.format(max) + " the catalog allows (maintenance.max-duration): give at most "
                    + DurationText.format(max) + ".");
        }
    }

    private void refuseOverlap(String environment, List<String> services, Instant start, Instant end, String except) {
        for (Window other : store.open(environment, start)) {
            if (!other.id().equals(except) && other.overlaps(environment, services, start, end)) {
                List<String> shared = services.stream().filter(other::covers).toList();
                throw new WindowRefused("It would overlap " + other.id() + " (" + text.span(other) + ", "
                        + String.join(", ", shared) + " in " + environment + ": " + dev.vitals.chat.UserText.quoted(
                        other.reason()) + "). One window at a time per service: pick a time outside it, or "
                        + "/maintenance extend " + other.id() + " <duration>.");
            }
        }
    }

    private Window forUpdate(String id) {
        return store.findForUpdate(id).orElseThrow(() -> new WindowRefused("No maintenance window " + id
                + ". /maintenance list shows the open ones."));
    }

    private Window theActiveOne() {
        List<Window> active = store.open().stream().filter(w -> w.status() == Window.Status.ACTIVE).toList();
        if (active.isEmpty()) {
            throw new WindowRefused("No maintenance window is active. /maintenance list shows the scheduled ones.");
        }
        if (active.size() > 1) {
            throw new WindowRefused("Several windows are active (" + String.join(", ", active.stream()
                    .map(Window::id).toList()) + "): name one, e.g. /maintenance end " + active.getFirst().id() + ".");
        }
        return store.findForUpdate(active.getFirst().id()).orElseThrow();
    }
}
