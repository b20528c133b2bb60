package dev.vitals.maintenance;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.DurationText;
import dev.vitals.chat.Caller;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandHandler;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Reply;
import dev.vitals.chat.UserText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The {@code /maintenance} commands, one object each. The grammar has checked names, ids, durations and
 * times; the planner checks the rest (catalog maximum, overlaps) and refuses with what would be accepted.
 * Every command is audited by the dispatcher, accepted or refused.
 */
final class MaintenanceCommands {
    private MaintenanceCommands() {
    }

    /** Windows are for production unless another environment is named (or there is none of that name). */
    static String environment(Catalog catalog, Optional<String> named) {
        return named.orElseGet(() -> catalog.environments().containsKey("production") ? "production"
                : catalog.defaultEnvironment().name());
    }

    static Reply refusedOr(String what, Supplier<String> action) {
        try {
            return Reply.text(action.get());
        } catch (WindowRefused e) {
            return Reply.text(what + ": " + e.getMessage() + " Nothing was changed.");
        }
    }

    static String described(Window w, NoticeText text) {
        return w.id() + ": " + text.affected(w) + ", " + text.span(w) + " (" + NoticeText.words(w.duration()) + "), "
                + w.status().name().toLowerCase() + " — " + UserText.quoted(w.reason());
    }

    static String announced(Catalog catalog, Window w) {
        return "#" + catalog.environments().get(w.environment()).channels().announcements();
    }

    @Component
    static class Start implements CommandHandler<Command.MaintenanceStart> {
        private final WindowPlanner planner;
        private final Catalog catalog;
        private final NoticeText text;

        Start(WindowPlanner planner, Catalog catalog, NoticeText text) {
            this.planner = planner;
            this.catalog = catalog;
            this.text = text;
        }

        public Class<Command.MaintenanceStart> type() {
            return Command.MaintenanceStart.class;
        }

        public Reply handle(Command.MaintenanceStart c, Caller caller, Origin origin) {
            String env = environment(catalog, c.environment());
            return refusedOr("Cannot start a maintenance window", () -> {
                Window w = planner.open(new WindowPlanner.Request(null, c.duration(), c.reason(), c.services(), env,
                        caller.name()));
                return "Maintenance window " + w.id() + " has started: " + text.affected(w) + " until "
                        + text.when(w.end()) + " (" + NoticeText.words(w.duration()) + "). The notice is in "
                        + announced(catalog, w) + ". Deploys that need a window may run now. /maintenance end "
                        + w.id() + " ends it early; /maintenance extend " + w.id() + " <duration> makes it longer.";
            });
        }
    }

    @Component
    static class Schedule implements CommandHandler<Command.MaintenanceSchedule> {
        private final WindowPlanner planner;
        private final Catalog catalog;
        private final NoticeText text;

        Schedule(WindowPlanner planner, Catalog catalog, NoticeText text) {
            this.planner = planner;
            this.catalog = catalog;
            this.text = text;
        }

        public Class<Command.MaintenanceSchedule> type() {
            return Command.MaintenanceSchedule.class;
        }

        public Reply handle(Command.MaintenanceSchedule c, Caller caller, Origin origin) {
            String env = environment(catalog, c.environment());
            return refusedOr("Cannot schedule the maintenance window", () -> {
                Window w = planner.open(new WindowPlanner.Request(c.start(), c.duration(), c.reason(), c.services(),
                        env, caller.name()));
                List<String> reminders = catalog.maintenance().reminders().stream().map(DurationText::format).toList();
                return "Maintenance window " + w.id() + " is scheduled: " + text.affected(w) + ", " + text.span(w)
                        + " (" + NoticeText.words(w.duration()) + "). Notices go to " + announced(catalog, w)
                        + ": now, " + (reminders.isEmpty() ? "" : String.join(", ", reminders) + " before, ")
                        + "at the start, before the end and at completion. /maintenance cancel " + w.id()
                        + " calls it off.";
            });
        }
    }

    @Component
    static class End implements CommandHandler<Command.MaintenanceEnd> {
        private final WindowPlanner planner;
        private final NoticeText text;

        End(WindowPlanner planner, NoticeText text) {
            this.planner = planner;
            this.text = text;
        }

        public Class<Command.MaintenanceEnd> type() {
            return Command.MaintenanceEnd.class;
        }

        public Reply handle(Command.MaintenanceEnd c, Caller caller, Origin origin) {
            return refusedOr("Cannot end the maintenance window", () -> {
                Window w = planner.end(c.windowId(), caller.name());
                return "Maintenance window " + w.id() + " has ended (" + text.when(w.end()) + "); the completion"
                        + " notice is posted.";
            });
        }
    }

    @Component
    static class Extend implements CommandHandler<Command.MaintenanceExtend> {
        private final WindowPlanner planner;
        private final NoticeText text;

        Extend(WindowPlanner planner, NoticeText text) {
            this.planner = planner;
            this.text = text;
        }

        public Class<Command.MaintenanceExtend> type() {
            return Command.MaintenanceExtend.class;
        }

        public Reply handle(Command.MaintenanceExtend c, Caller caller, Origin origin) {
            return refusedOr("Cannot extend " + c.windowId(), () -> {
                Window w = planner.extend(c.windowId(), c.by(), caller.name());
                return "Maintenance window " + w.id() + " now ends " + text.when(w.end()) + " ("
                        + NoticeText.words(w.duration()) + " in all); the notice is posted.";
            });
        }
    }

    @Component
    static class Cancel implements CommandHandler<Command.MaintenanceCancel> {
        private final WindowPlanner planner;

        Cancel(WindowPlanner planner) {
            this.planner = planner;
        }

        public Class<Command.MaintenanceCancel> type() {
            return Command.MaintenanceCancel.class;
        }

        public Reply handle(Command.MaintenanceCancel c, Caller caller, Origin origin) {
            return refusedOr("Cannot cancel " + c.windowId(), () -> {
                Window w = planner.cancel(c.windowId(), caller.name());
                return "Maintenance window " + w.id() + " is cancelled; the notice is posted.";
            });
        }
    }

    @Component
    static class ListWindows implements CommandHandler<Command.MaintenanceList> {
        private final WindowPlanner planner;
        private final NoticeText text;
        private final Clock clock;

        ListWindows(WindowPlanner planner, NoticeText text, Clock clock) {
            this.planner = planner;
            this.text = text;
            this.clock = clock;
        }

        public Class<Command.MaintenanceList> type() {
            return Command.MaintenanceList.class;
        }

        public Reply handle(Command.MaintenanceList c, Caller caller, Origin origin) {
            Instant now = clock.instant();
            List<Window> open = planner.open();
            if (open.isEmpty()) {
                return Reply.text("No maintenance window is active or scheduled. /maintenance start <duration> <reason>"
                        + " opens one now; /maintenance schedule <start> <duration> <reason> plans one.");
            }
            List<String> lines = new ArrayList<>();
            lines.add("Maintenance windows (" + open.size() + "):");
            for (Window w : open) {
                String when = w.start().isAfter(now) ? " — starts in " + NoticeText.words(Duration.between(now, w.start()))
                        : " — ends in " + NoticeText.words(Duration.between(now, w.end()));
                lines.add("• " + described(w, text) + when);
            }
            return Reply.text(String.join("\n", lines));
        }
    }
}
