package dev.vitals.maintenance;

import java.time.Duration;
import java.time.Instant;

/** One notice of a window: due at an instant, sent once (late when it went out well after it was due). */
record Notice(long id, String windowId, Kind kind, Instant due, Duration lead, Instant sentAt, boolean late,
              String messageId) {

    /** A notice sent more than this after it was due is marked late: Vitals was down or standby-only meanwhile. */
    static final Duration LATE_AFTER = Duration.ofMinutes(1);

    enum Kind {
        SCHEDULED("scheduled"), REMINDER("reminder"), START("start"), ENDING_SOON("ending-soon"),
        COMPLETION("completion"), CANCELLED("cancelled"), EXTENDED("extended");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        String word() {
            return word;
        }

        static Kind of(String word) {
            for (Kind k : values()) {
                if (k.word.equals(word)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown notice kind " + word);
        }
    }
}
