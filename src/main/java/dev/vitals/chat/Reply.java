package dev.vitals.chat;

/**
 * The answer to a command, shown to the person who typed it where they typed it; a private answer
 * is shown to that person alone ({@link ChatPlatform#postPrivately}). A {@code refused} answer says the
 * command was not run (bad grammar, a missing role, a standby, an error): adapters that can show an
 * answer to its caller alone (Discord's ephemeral replies) do so for refusals too.
 */
public record Reply(Message message, boolean privately, boolean refused) {
    public Reply(Message message, boolean privately) {
        this(message, privately, false);
    }

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

    /** The command was not run; the text says what was wrong and what would be right. */
    public static Reply refusal(String text) {
        return new Reply(Message.text(text), false, true);
    }
}
