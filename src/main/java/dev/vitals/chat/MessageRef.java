package dev.vitals.chat;

/** A message on the chat platform; {@code thread} is set when it lives inside a thread. */
public record MessageRef(String id, String channel, String thread) {
}
