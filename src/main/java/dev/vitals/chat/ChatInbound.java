package dev.vitals.chat;

import java.util.function.Consumer;

/**
 * What chat adapters hand to Vitals: a typed-in line, a message in a thread, a reaction, a click. Adapters resolve the
 * person to a {@link Caller}; everything after that (parsing, role checks, routing) happens here.
 */
public interface ChatInbound {

    /** Handles one command line; the reply goes to {@code replier} (exactly once). */
    void command(Caller caller, Origin origin, String text, Consumer<Reply> replier);

    /**
     * A plain message (not a command) someone wrote in a thread, for features that keep what was said there
     * (an incident's timeline). Nothing is answered.
     */
    void threadMessage(Caller caller, ThreadRef thread, String text);

    void reaction(Caller caller, MessageRef message, String emoji, boolean added);

    void click(Caller caller, MessageRef message, String buttonId);
}
