package dev.vitals.maintenance;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Windows as an iCalendar (RFC 5545) document: one VEVENT per window, times in UTC (every calendar shows
 * them in its own zone), text escaped and lines folded at 75 octets as the RFC requires. Written by hand:
 * the format is small, and the test reads it back with a real parser (ical4j).
 */
final class MaintenanceCalendar {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final NoticeText text;

    MaintenanceCalendar(NoticeText text) {
        this.text = text;
    }

    String render(List<Window> windows, Instant now) {
        StringBuilder ics = new StringBuilder();
        line(ics, "BEGIN:VCALENDAR");
        line(ics, "VERSION:2.0");
        line(ics, "PRODID:-//Vitals//Maintenance windows//EN");
        line(ics, "CALSCALE:GREGORIAN");
        line(ics, "METHOD:PUBLISH");
        line(ics, "X-WR-CALNAME:" + escape("Maintenance windows"));
        for (Window w : windows) {
            line(ics, "BEGIN:VEVENT");
            line(ics, "UID:" + w.id().toLowerCase() + "-" + w.environment() + "@vitals");
            line(ics, "DTSTAMP:" + UTC.format(now));
            line(ics, "DTSTART:" + UTC.format(w.start()));
            line(ics, "DTEND:" + UTC.format(w.end()));
            line(ics, "SUMMARY:" + escape("Maintenance " + w.id() + ": " + text.affected(w)));
            line(ics, "DESCRIPTION:" + escape(w.reason() + "\n" + text.affected(w).substring(0, 1).toUpperCase()
                    + text.affected(w).substring(1) + " may be unavailable. Save your work before it starts and use"
                    + " your downtime procedure meanwhile."));
            line(ics, "STATUS:" + (w.status() == Window.Status.CANCELLED ? "CANCELLED" : "CONFIRMED"));
            line(ics, "TRANSP:OPAQUE");
            line(ics, "END:VEVENT");
        }
        line(ics, "END:VCALENDAR");
        return ics.toString();
    }

    /** TEXT values: backslash, semicolon and comma escaped, newlines as {@code \n}. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
                .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
    }

    /** Appends a content line folded so no line exceeds 75 octets (continuations start with a space). */
    private static void line(StringBuilder out, String content) {
        int limit = 75;
        int start = 0;
        int i = 0;
        int octets = 0;
        while (i < content.length()) {
            int cp = content.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + len > limit) {
                out.append(content, start, i).append("\r\n ");
                start = i;
                octets = 1;
                limit = 75;
            }
            octets += len;
            i += Character.charCount(cp);
        }
        out.append(content, start, content.length()).append("\r\n");
    }
}
