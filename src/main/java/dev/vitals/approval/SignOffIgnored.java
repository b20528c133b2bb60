package dev.vitals.approval;

import java.time.Instant;

/**
 * A sign-off attempt that did not count: the requester approving their own change, someone without
 * a role the quorum needs, or a deployment that no longer waits. {@code action} is what was tried
 * (approve, reject, revoke, tick), {@code reason} why it was ignored.
 */
public record SignOffIgnored(String deploymentId, String actor, String action, String reason, Instant at) {
}
