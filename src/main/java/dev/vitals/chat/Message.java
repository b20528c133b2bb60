package dev.vitals.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * What the bot says: plain text (cards are rendered as text too, always with the id and status word),
 * optional buttons and optional file attachments. Adapters split or attach text that exceeds their
 * platform's limits.
 *
 * <p>Every mention in the text ({@code @everyone}, {@code <@…>}, {@code <@&…>}) is made inert before it
 * reaches an adapter, except the exact tokens listed in {@code mentions}: the ones the core means to
 * ping (the on-call role of an incident). Adapters may ping those and nothing else.
 */
public record Message(String text, List<Button> buttons, List<Attachment> attachments, List<String> mentions) {
    public Message {
        buttons = List.copyOf(buttons);
        attachments = List.copyOf(attachments);
        mentions = List.copyOf(mentions);
    }

    public Message(String text, List<Button> buttons, List<Attachment> attachments) {
        this(text, buttons, attachments, List.of());
    }

    public Message(String text, List<Button> buttons) {
        this(text, buttons, List.of());
    }

    public static Message text(String text) {
        return new Message(text, List.of());
    }

    /** This message, with one mention in its text (e.g. {@code <@&123>}) meant to ping. */
    public Message withIntendedMention(String mention) {
        List<String> all = new ArrayList<>(mentions);
        all.add(mention);
        return new Message(text, buttons, attachments, all);
    }
}
