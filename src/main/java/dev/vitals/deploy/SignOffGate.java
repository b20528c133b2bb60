package dev.vitals.deploy;

import java.util.List;

/**
 * Whether a deployment may run as soon as it is requested, or must wait in PENDING_APPROVAL until
 * the people its policy names have signed off. Implemented by the approval feature, which calls
 * {@link Deployments#approved} when the sign-off is complete.
 */
public interface SignOffGate {

    boolean required(Deployment deployment);

    /** Lines for the deployment card: who signed off, what is still missing, when it expires. */
    default List<String> cardLines(Deployment deployment) {
        return List.of();
    }

    /** Buttons for the deployment card (e.g. Approve, Reject, checklist items), before its Cancel button. */
    default List<dev.vitals.chat.Button> cardButtons(Deployment deployment) {
        return List.of();
    }

    /** The sign-offs that count for this deployment. */
    default List<SignOff> signOffs(Deployment deployment) {
        return List.of();
    }

    record SignOff(String user, String role, java.time.Instant at) {
    }
}
