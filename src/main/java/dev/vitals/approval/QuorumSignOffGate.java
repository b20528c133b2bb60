package dev.vitals.approval;

import dev.vitals.chat.Button;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.SignOffGate;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The sign-off gate of deployments: a deployment waits when its environment × risk policy asks for
 * approvals or a checklist, and its card shows who signed, what is missing and the buttons to sign.
 * Reads only, so the deployment module can render cards without knowing how sign-off is decided.
 */
@Component
class QuorumSignOffGate implements SignOffGate {
    private final SignOffStatus status;

    QuorumSignOffGate(SignOffStatus status) {
        this.status = status;
    }

    @Override
    public boolean required(Deployment deployment) {
        return status.required(deployment);
    }

    @Override
    public List<String> cardLines(Deployment deployment) {
        return status.cardLines(deployment);
    }

    @Override
    public List<Button> cardButtons(Deployment deployment) {
        return status.cardButtons(deployment);
    }

    @Override
    public List<SignOff> signOffs(Deployment deployment) {
        if (!status.required(deployment)) {
            return List.of();
        }
        return status.of(deployment).count().filled().stream()
                .map(f -> new SignOff(f.user(), f.role(), f.at()))
                .toList();
    }
}
