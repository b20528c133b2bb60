package dev.vitals.approval;

import dev.vitals.chat.Caller;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandHandler;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Reply;
import dev.vitals.deploy.Deployments;
import org.springframework.stereotype.Component;

/** {@code /approve} and {@code /reject}: the same sign-off as the card's reactions and buttons, typed. */
final class SignOffCommands {
    private SignOffCommands() {
    }

    private static String unknown(String id) {
        return "No deployment " + id + ". /history <service> lists recent ones.";
    }

    @Component
    static class Approve implements CommandHandler<Command.Approve> {
        private final Deployments deployments;
        private final SignOffs signOffs;

        Approve(Deployments deployments, SignOffs signOffs) {
            this.deployments = deployments;
            this.signOffs = signOffs;
        }

        @Override
        public Class<Command.Approve> type() {
            return Command.Approve.class;
        }

        @Override
        public Reply handle(Command.Approve c, Caller caller, Origin origin) {
            return deployments.find(c.deploymentId())
                    .map(d -> answer(signOffs.approve(d, caller, SignOffs.Via.COMMAND)))
                    .orElseGet(() -> Reply.refusal(unknown(c.deploymentId())));
        }
    }

    @Component
    static class Reject implements CommandHandler<Command.Reject> {
        private final Deployments deployments;
        private final SignOffs signOffs;

        Reject(Deployments deployments, SignOffs signOffs) {
            this.deployments = deployments;
            this.signOffs = signOffs;
        }

        @Override
        public Class<Command.Reject> type() {
            return Command.Reject.class;
        }

        @Override
        public Reply handle(Command.Reject c, Caller caller, Origin origin) {
            return deployments.find(c.deploymentId())
                    .map(d -> answer(signOffs.reject(d, caller, c.reason().orElse(null), SignOffs.Via.COMMAND)))
                    .orElseGet(() -> Reply.refusal(unknown(c.deploymentId())));
        }
    }

    /** A sign-off that did not count is a refusal: where the chat can, only the person who tried sees it. */
    static Reply answer(SignOffs.Result result) {
        return result.kind() == SignOffs.Result.Kind.IGNORED ? Reply.refusal(result.text()) : Reply.text(result.text());
    }
}
