package dev.vitals.deploy;

import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Deploy's side of sign-off: it hears the decisions the sign-off feature publishes and acts on its
 * deployments. Each handler is idempotent (guarded by the status it expects), because a publication is
 * delivered at least once.
 */
@Component
class SignOffDecisions {
    private final Deployments deployments;
    private final DeploymentChat chat;

    SignOffDecisions(Deployments deployments, DeploymentChat chat) {
        this.deployments = deployments;
        this.chat = chat;
    }

    @ApplicationModuleListener
    void on(SignOffCompleted e) {
        deployments.signedOff(e.deploymentId(), e.actor());
    }

    @ApplicationModuleListener
    void on(SignOffWithdrawn e) {
        deployments.reopenSignOff(e.deploymentId(), e.actor(), e.detail());
        chat.refreshCard(e.deploymentId());
    }

    @ApplicationModuleListener
    void on(DeploymentRejected e) {
        if (!deployments.endBeforeStart(e.deploymentId(), DeploymentStatus.REJECTED, e.actor(), e.detail())) {
            deployments.find(e.deploymentId()).ifPresent(d -> chat.say(d, "❌ " + e.actor() + "'s rejection came"
                    + " when " + d.id() + " was " + d.status() + " already; it stays on the record."));
        }
    }

    @ApplicationModuleListener
    void on(SignOffProgressed e) {
        chat.refreshCard(e.deploymentId());
    }
}
