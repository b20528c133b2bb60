package dev.vitals.health;

import java.time.Instant;

/** A post-deploy watch check of a deployment's version failed: {@code summary} says what was wrong. */
public record WatchCheckFailed(String deploymentId, String service, String environment, String version,
                               String summary, Instant at) {
}
