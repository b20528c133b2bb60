package dev.vitals.chat;

/**
 * The chat a team works in (Discord, or the local console). Implemented by the adapters in
 * sub-packages; features only ever talk to this port.
 */
public interface ChatPlatform {

    /** Posts a message in a channel by its catalog name ({@code deploys}, {@code announcements}, ...). */
    MessageRef post(String channel, Message message);

    /** Replaces the text and buttons of a message the bot posted. */
    void edit(MessageRef message, Message replacement);

    /** Opens a thread from a message; the message shows the thread from then on. */
    ThreadRef openThread(MessageRef message, String name);

    MessageRef postInThread(ThreadRef thread, Message message);

    /**
     * Posts where a command was typed, but visible only to {@code user}: in the console a message other
     * users' reads leave out; on Discord an ephemeral reply or a direct message. Never falls back to a
     * public post.
     */
    MessageRef postPrivately(Origin where, String user, Message message);

    /** Adds the bot's own reaction, e.g. ✅ and ❌ under a card so people can click them. */
    void react(MessageRef message, String emoji);
}
