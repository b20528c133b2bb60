package dev.vitals.chat;

/** Hears reactions on the bot's messages (sign-off by ✅/❌). */
public interface ReactionListener {
    void reacted(Caller caller, MessageRef message, String emoji, boolean added);
}
