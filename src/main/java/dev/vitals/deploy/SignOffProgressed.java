package dev.vitals.deploy;

import java.time.Instant;

/** A deployment's sign-off changed (an approval, a tick, a withdrawal); deploy redraws its card. */
public record SignOffProgressed(String deploymentId, Instant at) {
}
