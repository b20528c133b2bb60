package dev.vitals.catalog;

import java.util.Optional;

/** Incident severity, P0 (clinical systems down) to P3 (minor), as in the teams' runbooks. */
public enum Severity {
    P0, P1, P2, P3;

    public static Optional<Severity> parse(String text) {
        for (Severity s : values()) {
            if (s.name().equalsIgnoreCase(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
