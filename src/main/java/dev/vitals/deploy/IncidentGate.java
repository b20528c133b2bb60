package dev.vitals.deploy;

import java.util.Optional;

/**
 * Whether an open incident forbids deploying a service to an environment now (PRODUCT.md: no open P0/P1
 * on the service). Asked at preflight of a deploy, never of a rollback: going back is how incidents end.
 */
public interface IncidentGate {
    /** Empty when deploys may go on; otherwise why not, naming the incident. */
    Optional<String> blocking(String service, String environment);
}
