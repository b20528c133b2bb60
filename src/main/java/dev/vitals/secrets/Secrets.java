package dev.vitals.secrets;

/**
 * The secret values of this process and their redaction. Whoever learns a secret — the catalog's
 * {@code ${ENV}} and {@code ${file:…}} references, the Discord and API tokens, database passwords,
 * console tokens — registers it here at once; every text that leaves Vitals passes through
 * {@link #redact(String)}: chat (a decorator around every chat adapter), HTTP answers (JSON strings),
 * logs (the message and throwable converters in {@code logback-spring.xml}) and audit entries.
 *
 * <p>One registry per JVM, on purpose: logging is configured before any Spring bean exists and must
 * redact from its first line, and redacting more than needed never harms.
 */
public final class Secrets {
    /** What a secret value is replaced with. */
    public static final String REDACTED = "[redacted]";

    private static final Redactor REDACTOR = new Redactor();

    private Secrets() {
    }

    /**
     * Makes a value secret from now on. Blank values are ignored; a value shorter than 4 characters
     * is refused with an {@link IllegalArgumentException} (it could not be redacted without shredding
     * ordinary text), which callers turn into a configuration error naming where it came from.
     */
    public static void register(String value) {
        if (!REDACTOR.register(value)) {
            throw new IllegalArgumentException("a secret must be at least " + Redactor.MIN_LENGTH
                    + " characters long, so it can be redacted from what Vitals says");
        }
    }

    /**
     * A URL (JDBC or other) with its passwords masked however they are written: {@code //user:pass@host}
     * and {@code ?password=…} or {@code &password=…} in the query, then redacted like any text.
     */
    public static String maskUrlPasswords(String url) {
        if (url == null) {
            return null;
        }
        String masked = url.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@")
                .replaceAll("(?i)([?&;](?:password|pass|pwd)=)[^&;]*", "$1***");
        return redact(masked);
    }

    /** The text with every registered secret value replaced by {@value #REDACTED}; null stays null. */
    public static String redact(String text) {
        return REDACTOR.redact(text);
    }
}
