package dev.vitals.approval;

import dev.vitals.chat.Button;
import dev.vitals.deploy.CardSection;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.SignOffGate;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Answers deploy's two questions (does a deployment need sign-off, is it cleared to start) and keeps the
 * sign-off section of its card: who signed, what is missing, when it expires, and the buttons to sign.
 * Reads only; deciding and recording is {@link SignOffs}' job.
 */
@Component
class QuorumSignOffGate implements SignOffGate, CardSection {
    private final SignOffStatus status;

    QuorumSignOffGate(SignOffStatus status) {
        this.status = status;
    }

    @Override
    public boolean required(Deployment deployment) {
        return status.required(deployment);
    }

    @Override
    public boolean cleared(Deployment deployment) {
        return status.cleared(deployment);
    }

    @Override
    public List<String> lines(Deployment deployment) {
        return status.cardLines(deployment);
    }

    @Override
    public List<Button> buttons(Deployment deployment) {
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
