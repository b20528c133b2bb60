package dev.vitals.secrets;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Replaces every occurrence of a known secret value by {@link Secrets#REDACTED}. Longer values are
 * matched first, so a secret that contains another is replaced whole. Values shorter than
 * {@link #MIN_LENGTH} are not secrets worth the name and would shred ordinary text, so they are refused.
 */
final class Redactor {
    static final int MIN_LENGTH = 4;

    private final Set<String> values = ConcurrentHashMap.newKeySet();
    private volatile Pattern pattern;

    /** Returns false when the value is too short to redact safely. */
    boolean register(String value) {
        if (value == null || value.isBlank()) {
            return true;
        }
        if (value.length() < MIN_LENGTH) {
            return false;
        }
        if (values.add(value)) {
            rebuild();
        }
        return true;
    }

    private synchronized void rebuild() {
        List<String> sorted = values.stream().sorted(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder())).toList();
        pattern = Pattern.compile(sorted.stream().map(Pattern::quote).collect(Collectors.joining("|")));
    }

    String redact(String text) {
        Pattern p = pattern;
        if (text == null || p == null || text.isEmpty()) {
            return text;
        }
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return text;
        }
        return m.replaceAll(Matcher.quoteReplacement(Secrets.REDACTED));
    }

    int size() {
        return values.size();
    }
}
