package dev.vitals.deploy;

import java.time.Instant;

/** A deployment moved from one status to another (from is null when it was just requested). */
public record DeploymentStatusChanged(String deploymentId, String service, String environment, String version,
                                      DeploymentStatus from, DeploymentStatus to, String actor, String detail,
                                      Instant at) {
}
