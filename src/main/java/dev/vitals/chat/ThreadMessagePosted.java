package dev.vitals.chat;

import java.time.Instant;

/**
 * Someone wrote a plain message (not a command) in a thread. {@code text} is already redacted of secret
 * values and inert (its mentions and masked links broken), so listeners can keep or repeat it as it is.
 */
public record ThreadMessagePosted(String author, ThreadRef thread, String text, Instant at) {
}
