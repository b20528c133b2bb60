package dev.vitals.approval;

import java.time.Instant;

/** An eligible approver rejected a deployment before it started; {@code reason} may be null. */
public record DeploymentRejected(String deploymentId, String actor, String role, String reason, String via,
                                 Instant at) {
}
