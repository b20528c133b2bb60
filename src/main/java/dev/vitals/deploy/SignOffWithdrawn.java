package dev.vitals.deploy;

import java.time.Instant;

/**
 * A deployment that was signed off lost a sign-off it counted on before it started: withdrawn by its
 * giver, or lapsed ({@code actor} "vitals") because it grew older than the approval expiry. Deploy hears
 * it and puts a SCHEDULED or APPROVED (waiting) deployment back to waiting for sign-off.
 */
public record SignOffWithdrawn(String deploymentId, String actor, String detail, Instant at) {
}
