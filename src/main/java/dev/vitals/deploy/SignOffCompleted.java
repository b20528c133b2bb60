package dev.vitals.deploy;

import java.time.Instant;

/**
 * A deployment's sign-off is complete (quorum and checklist). Deploy hears it and starts the deployment
 * now, or at its scheduled time; {@code actor} is whoever gave the last missing piece.
 */
public record SignOffCompleted(String deploymentId, String actor, Instant at) {
}
