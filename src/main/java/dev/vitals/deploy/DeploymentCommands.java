package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.ButtonListener;
import dev.vitals.chat.Caller;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandHandler;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Reply;
import dev.vitals.chat.UserText;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/** The chat commands of deployments, one object per command. */
final class DeploymentCommands {
    private DeploymentCommands() {
    }

    private static String next(Deployment d) {
        return switch (d.status()) {
            case PENDING_APPROVAL -> "It waits for sign-off: see the card.";
            case SCHEDULED -> "It is scheduled for " + d.notBefore() + ".";
            default -> "It is " + d.status() + "; follow it in the card's thread.";
        };
    }

    @Component
    static class Deploy implements CommandHandler<Command.Deploy> {
        private final Deployments deployments;
        private final Catalog catalog;

        Deploy(Deployments deployments, Catalog catalog) {
            this.deployments = deployments;
            this.catalog = catalog;
        }

        public Class<Command.Deploy> type() {
            return Command.Deploy.class;
        }

        public Reply handle(Command.Deploy c, Caller caller, Origin origin) {
            String env = c.environment().orElse(catalog.defaultEnvironment().name());
            try {
                Deployment d = deployments.request(new Deployments.Request(c.service(), c.version(), env,
                        c.risk().orElse(null), c.reason().orElse(null), c.at().orElse(null), caller.name()));
                String raised = c.risk().isPresent() ? ""
                        : RiskRule.raisedBecause(catalog, d.service(), d.environment(), d.risk());
                return Reply.text("Deployment " + d.id() + ": " + d.service() + " " + d.version() + " → "
                        + d.environment() + " (" + d.strategy().word() + ", risk " + d.risk().word()
                        + (raised.isEmpty() ? "" : " — the floor here: " + raised) + ", " + d.shortDigest() + "). "
                        + next(d));
            } catch (DeploymentRefused e) {
                return Reply.refusal("Cannot deploy " + c.service() + " " + c.version() + " to " + env + ": "
                        + e.getMessage());
            }
        }
    }

    @Component
    static class Rollback implements CommandHandler<Command.Rollback> {
        private final Deployments deployments;
        private final Catalog catalog;

        Rollback(Deployments deployments, Catalog catalog) {
            this.deployments = deployments;
            this.catalog = catalog;
        }

        public Class<Command.Rollback> type() {
            return Command.Rollback.class;
        }

        public Reply handle(Command.Rollback c, Caller caller, Origin origin) {
            String env = c.environment().orElse(catalog.defaultEnvironment().name());
            try {
                Deployment d = deployments.rollback(new Deployments.RollbackRequest(c.service(), env,
                        c.toVersion().orElse(null), c.reason().orElse(null), caller.name()));
                if (d.kind() == Deployment.Kind.DEPLOY) {
                    return Reply.text("The rollback of " + d.service() + " in " + d.environment() + " to " + d.version()
                            + " became deployment " + d.id() + " (risk " + d.risk().word() + ", " + d.shortDigest()
                            + "): " + d.rule() + ". " + next(d));
                }
                return Reply.text("Rollback " + d.id() + ": " + d.service() + " in " + d.environment() + " back to "
                        + d.version() + (d.previousVersion() == null ? "" : " from " + d.previousVersion()) + ". "
                        + d.rule() + ". " + next(d));
            } catch (DeploymentRefused e) {
                return Reply.refusal("Cannot roll back " + c.service() + " in " + env + ": " + e.getMessage());
            }
        }
    }

    @Component
    static class Cancel implements CommandHandler<Command.Cancel>, ButtonListener {
        private final Deployments deployments;

        Cancel(Deployments deployments) {
            this.deployments = deployments;
        }

        public Class<Command.Cancel> type() {
            return Command.Cancel.class;
        }

        public Reply handle(Command.Cancel c, Caller caller, Origin origin) {
            try {
                Deployment d = deployments.cancel(c.deploymentId(), caller.name());
                return Reply.text(d.status() == DeploymentStatus.CANCELLED ? d.id() + " is cancelled."
                        : "Cancelling " + d.id() + ": it stops before its next step and removes what it started.");
            } catch (DeploymentRefused e) {
                return Reply.refusal("Cannot cancel " + c.deploymentId() + ": " + e.getMessage());
            }
        }

        @Override
        public void clicked(Caller caller, MessageRef message, String buttonId) {
            if (!buttonId.startsWith(DeploymentChat.CANCEL_BUTTON)) {
                return;
            }
            String id = buttonId.substring(DeploymentChat.CANCEL_BUTTON.length());
            deployments.find(id).ifPresent(d -> {
                if (!caller.has("deployer") && !caller.has("devops-lead") && !caller.has("admin")) {
                    deployments.say(d, caller.name() + " pressed Cancel, but cancelling needs the role deployer or"
                            + " devops-lead; nothing changed.");
                    return;
                }
                try {
                    deployments.cancel(id, caller.name());
                } catch (DeploymentRefused e) {
                    deployments.say(d, "Cancel by " + caller.name() + " refused: " + e.getMessage());
                }
            });
        }
    }

    @Component
    static class History implements CommandHandler<Command.History> {
        private final Deployments deployments;
        private final Clock clock;

        History(Deployments deployments, Clock clock) {
            this.deployments = deployments;
            this.clock = clock;
        }

        public Class<Command.History> type() {
            return Command.History.class;
        }

        public Reply handle(Command.History c, Caller caller, Origin origin) {
            List<Deployment> recent = deployments.search(c.service(), c.environment().orElse(null), null, 15);
            if (recent.isEmpty()) {
                return Reply.text("No deployments of " + c.service() + c.environment().map(e -> " in " + e).orElse("")
                        + " yet.");
            }
            StringBuilder out = new StringBuilder("Recent deployments of " + c.service()
                    + c.environment().map(e -> " in " + e).orElse("") + ":\n");
            for (Deployment d : recent) {
                out.append("• ").append(d.id()).append(' ').append(d.kind() == Deployment.Kind.ROLLBACK ? "rollback to " : "")
                        .append(d.version()).append(" → ").append(d.environment()).append(" · ").append(d.status())
                        .append(" · by ").append(d.requestedBy()).append(" · ")
                        .append(Ago.since(d.createdAt(), clock.instant())).append('\n');
            }
            return Reply.text(out.toString().strip());
        }
    }

    @Component
    static class Lock implements CommandHandler<Command.Lock> {
        private final DeploymentStore store;
        private final Clock clock;

        Lock(DeploymentStore store, Clock clock) {
            this.store = store;
            this.clock = clock;
        }

        public Class<Command.Lock> type() {
            return Command.Lock.class;
        }

        public Reply handle(Command.Lock c, Caller caller, Origin origin) {
            if (!store.addFreeze(new DeploymentStore.Freeze(c.service(), c.environment(), caller.name(), c.reason(),
                    clock.instant()))) {
                DeploymentStore.Freeze f = store.freeze(c.service(), c.environment()).orElseThrow();
                return Reply.text(c.service() + " in " + c.environment() + " is already locked by " + f.owner() + ": "
                        + UserText.quoted(f.reason()) + ".");
            }
            return Reply.text("🔒 " + c.service() + " in " + c.environment() + " is locked by " + caller.name() + ": "
                    + UserText.quoted(c.reason()) + ". No deployment or rollback runs there until /unlock " + c.service() + " "
                    + c.environment() + ".");
        }
    }

    @Component
    static class Unlock implements CommandHandler<Command.Unlock> {
        private final DeploymentStore store;

        Unlock(DeploymentStore store) {
            this.store = store;
        }

        public Class<Command.Unlock> type() {
            return Command.Unlock.class;
        }

        public Reply handle(Command.Unlock c, Caller caller, Origin origin) {
            return Reply.text(store.removeFreeze(c.service(), c.environment())
                    ? "🔓 " + c.service() + " in " + c.environment() + " is unlocked by " + caller.name() + "."
                    : c.service() + " in " + c.environment() + " was not locked.");
        }
    }
}
