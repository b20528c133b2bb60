package dev.vitals.health;

import java.time.Instant;

/**
 * A container serving a service (it holds the service's alias) turned unhealthy, as the engine reported it;
 * {@code recovered} true when it turned healthy again. {@code deploymentId} is the deployment that started it.
 */
public record LiveServiceUnhealthy(String service, String environment, String container, String version,
                                   String deploymentId, boolean recovered, Instant at) {
}
