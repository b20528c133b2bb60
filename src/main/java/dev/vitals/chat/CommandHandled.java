package dev.vitals.chat;

import java.time.Instant;

/** A command was answered: accepted and run, or refused (by the grammar, a role check or its handler). */
public record CommandHandled(String actor, String channel, String thread, String text, boolean accepted,
                             String outcome, Instant at) {
}
