package dev.vitals.chat;

/** The answer to a command, shown to the person who typed it where they typed it. */
public record Reply(Message message) {
    public static Reply text(String text) {
        return new Reply(Message.text(text));
    }
}
