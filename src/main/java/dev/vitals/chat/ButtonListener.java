package dev.vitals.chat;

/** Hears clicks on the bot's buttons; {@code buttonId} is the id the bot gave the button. */
public interface ButtonListener {
    void clicked(Caller caller, MessageRef message, String buttonId);
}
