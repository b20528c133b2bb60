package dev.vitals.chat;

import java.util.List;

/**
 * What the bot says: plain text (cards are rendered as text too, always with the id and status word)
 * and optional buttons. Adapters split or attach text that exceeds their platform's limits.
 */
public record Message(String text, List<Button> buttons) {
    public Message {
        buttons = List.copyOf(buttons);
    }

    public static Message text(String text) {
        return new Message(text, List.of());
    }
}
