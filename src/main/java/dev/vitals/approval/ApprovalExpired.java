package dev.vitals.approval;

import java.time.Instant;

/**
 * An approval stopped counting because it was older than the catalog's approval expiry while the
 * deployment still waited for sign-off. {@code actor} is the person who had given it.
 */
public record ApprovalExpired(String deploymentId, String actor, String role, String detail, Instant at) {
}
