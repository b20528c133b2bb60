package dev.vitals.deploy;

import dev.vitals.chat.UserText;
import java.time.Instant;

/**
 * An eligible approver rejected a deployment before it started; {@code reason} may be null. Published
 * by the feature that decides sign-off; deploy ends the deployment REJECTED when it hears it.
 */
public record DeploymentRejected(String deploymentId, String actor, String role, String reason, String via,
                                 Instant at) {

    /** What the deployment's record says about it. */
    public String detail() {
        return "rejected by " + actor + " (" + role + ")" + (reason == null || reason.isBlank() ? "" : ": " + UserText.quoted(reason));
    }
}
