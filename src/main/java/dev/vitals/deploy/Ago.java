package dev.vitals.deploy;

import dev.vitals.catalog.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** "2026-11-22T05:10:03Z (12m ago)": an instant with its age, to the second. */
final class Ago {
    private Ago() {
    }

    static String since(Instant then, Instant now) {
        Duration age = Duration.between(then, now).truncatedTo(ChronoUnit.SECONDS);
        return then.truncatedTo(ChronoUnit.SECONDS) + " (" + (age.isNegative() ? "0s" : DurationText.format(age)) + " ago)";
    }
}
