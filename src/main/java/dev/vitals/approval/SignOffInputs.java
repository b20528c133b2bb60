package dev.vitals.approval;

import dev.vitals.chat.ButtonListener;
import dev.vitals.chat.Caller;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.ReactionListener;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.DeploymentStatus;
import dev.vitals.deploy.DeploymentStatusChanged;
import dev.vitals.deploy.Deployments;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Sign-off as people give it on a deployment card: ✅ approves (removing it withdraws), ❌ rejects, and
 * the card's Approve, Reject and checklist buttons. Whatever does not count is answered once in the
 * deployment's thread. The bot puts its own ✅ and ❌ under each card that waits, so they are one click away.
 */
@Component
class SignOffInputs implements ReactionListener, ButtonListener {
    static final String APPROVE = "✅";
    static final String REJECT = "❌";
    private static final Logger log = LoggerFactory.getLogger(SignOffInputs.class);

    private final Deployments deployments;
    private final SignOffs signOffs;
    private final ChatPlatform chat;

    SignOffInputs(Deployments deployments, SignOffs signOffs, ChatPlatform chat) {
        this.deployments = deployments;
        this.signOffs = signOffs;
        this.chat = chat;
    }

    /**
     * A new request that waits for sign-off: heard after it committed, delivered again until it succeeded. No
     * other move is stored for this listener at all (the condition is checked before a delivery is stored).
     */
    @ApplicationModuleListener(condition = "#p0.from() == null && #p0.to().name() == 'PENDING_APPROVAL'")
    void on(DeploymentStatusChanged e) {
        if (e.from() != null || e.to() != DeploymentStatus.PENDING_APPROVAL) {
            return;
        }
        deployments.find(e.deploymentId()).ifPresent(d -> {
            if (d.cardMessage() != null) {
                MessageRef card = new MessageRef(d.cardMessage(), d.cardChannel(), null);
                try {
                    chat.react(card, APPROVE);
                    chat.react(card, REJECT);
                } catch (RuntimeException ex) {
                    // The card's buttons and /approve still work; people can add the reactions themselves.
                    log.warn("Could not add sign-off reactions under the card of {}: {}", d.id(), ex.getMessage());
                }
            }
            signOffs.opened(d);
        });
    }

    @Override
    public void reacted(Caller caller, MessageRef message, String emoji, boolean added) {
        boolean approve = emoji.equals(APPROVE);
        if ((!approve && !emoji.equals(REJECT)) || message.thread() != null) {
            return;
        }
        Optional<Deployment> card = deployments.findByCard(message.id());
        if (card.isEmpty()) {
            log.info("{} {} by {} on message {}: no deployment card", added ? "Reaction" : "Reaction taken back", emoji,
                    caller.name(), message.id());
            return;
        }
        Deployment d = card.get();
        SignOffs.Result result;
        if (approve) {
            result = added ? signOffs.approve(d, caller, SignOffs.Via.REACTION) : signOffs.revoke(d, caller);
        } else if (added) {
            result = signOffs.reject(d, caller, null, SignOffs.Via.REACTION);
        } else {
            // Taking back a ❌ means nothing: a rejection ends the request at once.
            return;
        }
        signOffs.tellOnce(d, caller, result);
    }

    @Override
    public void clicked(Caller caller, MessageRef message, String buttonId) {
        if (buttonId.startsWith(SignOffStatus.APPROVE_BUTTON)) {
            deployments.find(buttonId.substring(SignOffStatus.APPROVE_BUTTON.length())).ifPresent(d ->
                    signOffs.tellOnce(d, caller, signOffs.approve(d, caller, SignOffs.Via.BUTTON)));
        } else if (buttonId.startsWith(SignOffStatus.REJECT_BUTTON)) {
            deployments.find(buttonId.substring(SignOffStatus.REJECT_BUTTON.length())).ifPresent(d ->
                    signOffs.tellOnce(d, caller, signOffs.reject(d, caller, null, SignOffs.Via.BUTTON)));
        } else if (buttonId.startsWith(SignOffStatus.CHECKLIST_BUTTON)) {
            String rest = buttonId.substring(SignOffStatus.CHECKLIST_BUTTON.length());
            int colon = rest.indexOf(':');
            if (colon > 0) {
                String item = rest.substring(colon + 1);
                deployments.find(rest.substring(0, colon)).ifPresent(d ->
                        signOffs.tellOnce(d, caller, signOffs.tick(d, caller, item)));
            }
        }
    }
}
