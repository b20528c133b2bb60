package dev.vitals.catalog;

import java.util.Locale;
import java.util.Optional;

/**
 * Risk of a change, as the requester declares it (never below the catalog's floor for the service and
 * environment); policies are keyed by environment and risk. Ordered from low to high.
 */
public enum Risk {
    LOW, MEDIUM, HIGH;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Risk> parse(String text) {
        for (Risk r : values()) {
            if (r.word().equals(text)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
