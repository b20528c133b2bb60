package dev.vitals.chat;

/** A thread opened from a message (on Discord its id is the id of the message it grew from). */
public record ThreadRef(String id, String channel) {
}
