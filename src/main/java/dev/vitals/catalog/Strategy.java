package dev.vitals.catalog;

import java.util.Optional;

/** How a new version replaces the live one on a plain Docker engine. */
public enum Strategy {
    BLUE_GREEN("blue-green"), ROLLING("rolling"), RECREATE("recreate");

    private final String word;

    Strategy(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public static Optional<Strategy> parse(String text) {
        for (Strategy s : values()) {
            if (s.word.equals(text)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
