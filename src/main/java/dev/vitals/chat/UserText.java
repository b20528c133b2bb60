package dev.vitals.chat;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text a person typed, repeated by the bot. {@link #quoted} marks it as theirs; {@link #inert} (applied
 * to everything the bot says, by {@link OutgoingChat}) makes mentions and masked links harmless by
 * putting a zero-width space where Discord's parser needs two characters to touch: after the {@code @}
 * of {@code @everyone}/{@code @here}, after {@code <@} and {@code <#}, and between {@code ]} and
 * {@code (} of {@code [text](url)}. Plain-text readers (the console) see the text unchanged.
 */
public final class UserText {
    /** The zero-width space that breaks a mention or link without changing how the text reads. */
    public static final String BREAK = "\u200B";

    private static final Pattern UNSAFE = Pattern.compile("(?i)(@)(?=everyone|here)|(<[@#])(?!\u200B)|(\\])(?=\\()");

    private UserText() {
    }

    /**
     * What a person typed, as the bot repeats it: on one line, between “ and ”, so it can neither pass
     * for the bot's own words nor start a line of its own.
     */
    public static String quoted(String typed) {
        if (typed == null) {
            return "“”";
        }
        return "“" + typed.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip() + "”";
    }

    /** The text with every mention and masked link made inert. */
    public static String inert(String text) {
        return inert(text, List.of());
    }

    /** The text with every mention and masked link made inert, except the exact {@code intended} tokens. */
    public static String inert(String text, Collection<String> intended) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        if (intended.isEmpty()) {
            return neutralise(text);
        }
        // Keep the intended tokens whole; neutralise everything around them.
        Pattern keep = Pattern.compile(intended.stream().filter(s -> !s.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed()).map(Pattern::quote)
                .reduce((a, b) -> a + "|" + b).orElse("(?!)"));
        Matcher m = keep.matcher(text);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(neutralise(text.substring(last, m.start()))).append(m.group());
            last = m.end();
        }
        return out.append(neutralise(text.substring(last))).toString();
    }

    private static String neutralise(String text) {
        // Most replies have none of the characters a mention or masked link needs: a scan, not the pattern.
        if (text.indexOf('@') < 0 && text.indexOf("<#") < 0 && text.indexOf("](") < 0) {
            return text;
        }
        Matcher m = UNSAFE.matcher(text);
        if (!m.find()) {
            return text;
        }
        m.reset();
        StringBuilder out = new StringBuilder(text.length() + 8);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group() + BREAK));
        }
        m.appendTail(out);
        return out.toString();
    }
}
