package dev.vitals.chat;

import java.util.List;

/**
 * What the bot says: plain text (cards are rendered as text too, always with the id and status word),
 * optional buttons and optional file attachments. Adapters split or attach text that exceeds their
 * platform's limits.
 */
public record Message(String text, List<Button> buttons, List<Attachment> attachments) {
    public Message {
        buttons = List.copyOf(buttons);
        attachments = List.copyOf(attachments);
    }

    public Message(String text, List<Button> buttons) {
        this(text, buttons, List.of());
    }

    public static Message text(String text) {
        return new Message(text, List.of());
    }
}
