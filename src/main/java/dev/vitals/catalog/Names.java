package dev.vitals.catalog;

import java.util.regex.Pattern;

/**
 * The grammar of names that end up in Docker objects, labels and chat: kept strict so that nothing a
 * person types can become a path, a flag or a shell word.
 */
public final class Names {
    /** Service, environment, user and role names: lower-case words joined by single dashes. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*");
    /** Docker's tag grammar: first character a word character, then up to 127 of [A-Za-z0-9_.-]. */
    public static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    /** Image repository: lower-case path components separated by slashes, optional registry host. */
    public static final Pattern REPOSITORY =
            Pattern.compile("(?:[a-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*");
    public static final int MAX_NAME = 63;

    public static final String NAME_RULE =
            "lower-case letters, digits and single dashes, starting with a letter, at most 63 characters";
    public static final String TAG_RULE =
            "a Docker tag: 1-128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'";

    private Names() {
    }

    public static boolean isName(String s) {
        return s != null && s.length() <= MAX_NAME && NAME.matcher(s).matches();
    }

    public static boolean isTag(String s) {
        return s != null && TAG.matcher(s).matches();
    }
}
