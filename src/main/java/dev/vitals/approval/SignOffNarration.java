package dev.vitals.approval;

import dev.vitals.chat.ThreadRef;
import dev.vitals.chat.ThreadWriter;
import dev.vitals.deploy.Deployment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Sign-off tells its own decisions in the deployment's thread, through the chat port: the line is
 * queued once the decision's transaction committed (a decision rolled back is never told), and never
 * while the deployment's row is held.
 */
@Component
class SignOffNarration {
    private final ThreadWriter writer;

    SignOffNarration(ThreadWriter writer) {
        this.writer = writer;
    }

    void say(Deployment d, String line) {
        if (d.threadId() == null) {
            return;
        }
        ThreadRef thread = new ThreadRef(d.threadId(), d.cardChannel());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    writer.append(thread, line);
                }
            });
        } else {
            writer.append(thread, line);
        }
    }
}
