package dev.vitals.chat;

/** A button under a message; its id is stable and persisted so clicks still work after a restart. */
public record Button(String id, String label) {
}
