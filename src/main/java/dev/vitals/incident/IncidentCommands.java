package dev.vitals.incident;

import dev.vitals.chat.Caller;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandHandler;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Reply;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * The {@code /incident} commands, one object each. {@code open} opens one; the others act on the incident
 * named with {@code id:} or whose thread they are typed in, and without either list the open incidents.
 */
final class IncidentCommands {
    private IncidentCommands() {
    }

    static Reply refusedOr(Supplier<String> action) {
        try {
            return Reply.text(action.get());
        } catch (IncidentRefused e) {
            return Reply.refusal(e.getMessage());
        }
    }

    @Component
    static class Open implements CommandHandler<Command.IncidentOpen> {
        private final Incidents incidents;

        Open(Incidents incidents) {
            this.incidents = incidents;
        }

        public Class<Command.IncidentOpen> type() {
            return Command.IncidentOpen.class;
        }

        public Reply handle(Command.IncidentOpen c, Caller caller, Origin origin) {
            return refusedOr(() -> {
                String env = incidents.environmentOr(c.environment().orElse(null));
                Incident i = incidents.open(new Incidents.Opening(c.severity(), c.title(), c.service().orElse(null),
                        env, "manual", null, caller.name(), List.of(), null)).incident();
                return "Opened " + i.label() + " " + IncidentChat.inert(i.title()) + ": its card and thread are in #"
                        + incidents.channelOf(i) + ", and on-call was paged.";
            });
        }
    }

    @Component
    static class Ack implements CommandHandler<Command.IncidentAck> {
        private final Incidents incidents;

        Ack(Incidents incidents) {
            this.incidents = incidents;
        }

        public Class<Command.IncidentAck> type() {
            return Command.IncidentAck.class;
        }

        public Reply handle(Command.IncidentAck c, Caller caller, Origin origin) {
            return refusedOr(() -> {
                Incident i = incidents.ack(incidents.target(c.incident(), origin.thread()).id(), caller.name());
                return i.id() + " acknowledged by " + caller.name() + "; no escalation will follow."
                        + (caller.name().equals(i.commander()) ? " You are its commander." : "");
            });
        }
    }

    @Component
    static class Update implements CommandHandler<Command.IncidentUpdate> {
        private final Incidents incidents;

        Update(Incidents incidents) {
            this.incidents = incidents;
        }

        public Class<Command.IncidentUpdate> type() {
            return Command.IncidentUpdate.class;
        }

        public Reply handle(Command.IncidentUpdate c, Caller caller, Origin origin) {
            return refusedOr(() -> {
                Incident i = incidents.update(incidents.target(c.incident(), origin.thread()).id(), caller.name(),
                        c.text());
                return "Added to the timeline of " + i.id() + ".";
            });
        }
    }

    @Component
    static class Severity implements CommandHandler<Command.IncidentSeverity> {
        private final Incidents incidents;

        Severity(Incidents incidents) {
            this.incidents = incidents;
        }

        public Class<Command.IncidentSeverity> type() {
            return Command.IncidentSeverity.class;
        }

        public Reply handle(Command.IncidentSeverity c, Caller caller, Origin origin) {
            return refusedOr(() -> {
                Incident i = incidents.severity(incidents.target(c.incident(), origin.thread()).id(), caller.name(),
                        c.severity());
                return i.id() + " is now " + i.severity() + (i.status() == Incident.Status.OPEN
                        ? "; acknowledge by " + i.ackDeadline() : "") + ".";
            });
        }
    }

    @Component
    static class Commander implements CommandHandler<Command.IncidentCommander> {
        private final Incidents incidents;

        Commander(Incidents incidents) {
            this.incidents = incidents;
        }

        public Class<Command.IncidentCommander> type() {
            return Command.IncidentCommander.class;
        }

        public Reply handle(Command.IncidentCommander c, Caller caller, Origin origin) {
            return refusedOr(() -> {
                Incident i = incidents.commander(incidents.target(c.incident(), origin.thread()).id(), caller.name(),
                        c.user());
                return i.commander() + " is the commander of " + i.id() + ".";
            });
        }
    }

    @Component
    static class Resolve implements CommandHandler<Command.IncidentResolve> {
        private final Incidents incidents;
        private final PostMortem postMortem;

        Resolve(Incidents incidents, PostMortem postMortem) {
            this.incidents = incidents;
            this.postMortem = postMortem;
        }

        public Class<Command.IncidentResolve> type() {
            return Command.IncidentResolve.class;
        }

        public Reply handle(Command.IncidentResolve c, Caller caller, Origin origin) {
            return refusedOr(() -> {
                Incident i = incidents.resolve(incidents.target(c.incident(), origin.thread()).id(), caller.name(),
                        c.summary(), postMortem);
                return i.id() + " is resolved. The post-mortem draft is attached in its thread.";
            });
        }
    }
}
