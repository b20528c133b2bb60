package dev.vitals.chat;

/** Where a command was typed: a channel, and the thread inside it if any (may be null). */
public record Origin(String channel, String thread) {
}
