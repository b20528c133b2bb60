package dev.vitals.maintenance;

import dev.vitals.chat.UserText;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the notices say, for the people who use the clinic's systems rather than run them: what is
 * affected, when in local time and for how long, and what to do meanwhile. Services are named as the
 * catalog names them; containers, versions' digests and engines never appear.
 */
final class NoticeText {
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("EEE d MMM, HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    private final ZoneId zone;

    NoticeText(ZoneId zone) {
        this.zone = zone;
    }

    /** One deployment done in the window, as the completion notice tells it. */
    record Change(String service, String version, String outcome) {
    }

    String scheduled(Window w) {
        return "🛠️ **Planned maintenance " + w.id() + "** — " + affected(w) + " may be unavailable.\n"
                + "When: " + span(w) + " (" + words(w.duration()) + ").\n"
                + "Why: " + UserText.quoted(w.reason()) + "\n"
                + "What to do: plan around it — finish and save your work before " + time(w.start())
                + "; during the window use your downtime procedure (paper forms) and enter records afterwards."
                + " We will post here when it starts and when it is over.";
    }

    String reminder(Window w, Duration lead) {
        return "⏰ **Reminder: maintenance " + w.id() + " starts in " + words(lead) + "**, at " + when(w.start())
                + ", for " + words(w.duration()) + ". " + capital(affected(w)) + " may be unavailable until "
                + time(w.end()) + ".\nWhat to do: save your work and finish what you cannot interrupt before "
                + time(w.start()) + "; have the downtime forms at hand.";
    }

    String start(Window w) {
        return "🔧 **Maintenance " + w.id() + " has started** — " + affected(w) + " may be unavailable until about "
                + when(w.end()) + " (" + words(w.duration()) + ").\n"
                + "Why: " + UserText.quoted(w.reason()) + "\n"
                + "What to do meanwhile: use your downtime procedure (paper forms), do not start work you cannot save,"
                + " and enter records once we post that it is over.";
    }

    /** For a window that puts services in maintenance mode: what people will see if they open them. */
    static String pageNote(List<String> paged) {
        return paged.isEmpty() ? "" : "\nIf you open " + String.join(", ", paged) + " meanwhile, you will see a"
                + " page saying it is under maintenance: that is expected.";
    }

    String endingSoon(Window w, Instant now) {
        return "⌛ **Maintenance " + w.id() + " is due to end in " + words(Duration.between(now, w.end()))
                + "**, at " + when(w.end()) + ". " + capital(affected(w)) + " should be back then; we will post"
                + " here when it is.";
    }

    String completion(Window w, List<Change> changes) {
        List<String> lines = new ArrayList<>();
        lines.add("✅ **Maintenance " + w.id() + " is complete** — " + affected(w) + " " + (w.services().size() == 1
                ? "is" : "are") + " available again (ended " + when(w.end()) + ", after "
                + words(w.duration()) + ").");
        if (changes.isEmpty()) {
            lines.add("No changes were made during the window.");
        } else {
            lines.add("Changes made during the window:");
            for (Change c : changes) {
                lines.add("• " + c.service() + " updated to " + c.version() + ": " + c.outcome());
            }
        }
        lines.add("What to do now: enter the records you kept on paper. If something does not work as before,"
                + " tell the IT team.");
        return String.join("\n", lines);
    }

    String cancelled(Window w, String by) {
        return "❎ **Maintenance " + w.id() + " is cancelled** — the window planned for " + span(w)
                + " will not happen; " + affected(w) + " stay" + (w.services().size() == 1 ? "s" : "")
                + " available as usual. (Cancelled by " + by + ".)";
    }

    String extended(Window w, Duration by) {
        return "⏳ **Maintenance " + w.id() + " is extended by " + words(by) + "** — " + affected(w)
                + " may be unavailable until about " + when(w.end()) + " (" + words(w.duration())
                + " in all). Keep using your downtime procedure until we post that it is over.";
    }

    /** The notice message kept at the top of the window's announcements, edited as the window progresses. */
    String card(Window w, Instant now) {
        String state = switch (w.status()) {
            case SCHEDULED -> "planned";
            case ACTIVE -> "in progress";
            case ENDED -> "complete";
            case CANCELLED -> "cancelled";
        };
        return "Status: " + state.toUpperCase(Locale.ROOT) + " (updated " + when(now) + ")\n" + scheduled(w);
    }

    /** Prefix of a notice that went out late because Vitals was not running when it was due. */
    String late(Instant due) {
        return "(Sent late: this notice was due at " + when(due) + ", while the notice service was unavailable.)\n";
    }

    String affected(Window w) {
        String names = w.services().size() == 1 ? w.services().getFirst()
                : String.join(", ", w.services().subList(0, w.services().size() - 1)) + " and "
                + w.services().getLast();
        return (w.allServices() ? "all systems (" + names + ")" : names) + " in " + w.environment();
    }

    String span(Window w) {
        ZonedDateTime s = w.start().atZone(zone);
        ZonedDateTime e = w.end().atZone(zone);
        String end = s.toLocalDate().equals(e.toLocalDate()) ? TIME.format(e) : DAY_TIME.format(e);
        return DAY_TIME.format(s) + "–" + end + " " + zoneName();
    }

    String when(Instant at) {
        return DAY_TIME.format(at.atZone(zone)) + " " + zoneName();
    }

    String time(Instant at) {
        return TIME.format(at.atZone(zone));
    }

    private String zoneName() {
        return "(" + zone.getId() + ")";
    }

    /** {@code 20 minutes}, {@code 1 hour 30 minutes}, {@code 2 days}: as people say it. */
    static String words(Duration d) {
        long minutes = Math.max(0, (d.getSeconds() + 59) / 60);
        if (minutes == 0) {
            return "less than a minute";
        }
        long days = minutes / (24 * 60);
        long hours = minutes / 60 % 24;
        long mins = minutes % 60;
        List<String> parts = new ArrayList<>();
        if (days > 0) parts.add(days + (days == 1 ? " day" : " days"));
        if (hours > 0) parts.add(hours + (hours == 1 ? " hour" : " hours"));
        if (mins > 0) parts.add(mins + (mins == 1 ? " minute" : " minutes"));
        return String.join(" ", parts);
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
