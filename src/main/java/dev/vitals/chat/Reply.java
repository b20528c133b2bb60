package dev.vitals.chat;

/**
 * The answer to a command, shown to the person who typed it where they typed it; a private answer
 * is shown to that person alone ({@link ChatPlatform#postPrivately}).
 */
public record Reply(Message message, boolean privately) {
    public Reply(Message message) {
        this(message, false);
    }

    public static Reply text(String text) {
        return new Reply(Message.text(text));
    }

    /** For the requester's eyes only: in a shared channel nobody else sees it. */
    public static Reply inPrivate(Message message) {
        return new Reply(message, true);
    }
}
