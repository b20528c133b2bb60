package dev.vitals.deploy;

import java.time.Instant;
import java.util.List;

/**
 * What deploy asks the feature that decides sign-off, and nothing more: does a deployment need sign-off,
 * and is it cleared to start now? The answers to sign-off come back as events ({@link SignOffCompleted},
 * {@link SignOffWithdrawn}, {@link DeploymentRejected}, {@link SignOffProgressed}).
 */
public interface SignOffGate {

    /** True when the deployment must wait in PENDING_APPROVAL until people sign off. */
    boolean required(Deployment deployment);

    /**
     * True when a deployment that needed sign-off may start at this instant: its sign-offs still count
     * (none withdrawn, lapsed or given for another image) and nobody rejected it. Asked in the transaction
     * that moves it to RUNNING.
     */
    boolean cleared(Deployment deployment);

    /** The sign-offs that count for this deployment, for its record. */
    default List<SignOff> signOffs(Deployment deployment) {
        return List.of();
    }

    record SignOff(String user, String role, Instant at) {
    }
}
