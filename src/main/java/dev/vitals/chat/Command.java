package dev.vitals.chat;

import dev.vitals.catalog.Risk;
import dev.vitals.catalog.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A chat command, parsed once from text into a typed value. Every name and version in a command has
 * already been checked against the catalog and the tag grammar by {@link CommandParser}.
 */
public sealed interface Command {

    Kind kind();

    /** The families of commands that roles are granted, with the command types in each. */
    enum Kind {
        DEPLOY(Deploy.class), ROLLBACK(Rollback.class), APPROVE(Approve.class), REJECT(Reject.class),
        CANCEL(Cancel.class), STATUS(Status.class), HEALTH(Health.class), HISTORY(History.class), LOCK(Lock.class),
        UNLOCK(Unlock.class),
        MAINTENANCE(MaintenanceStart.class, MaintenanceSchedule.class, MaintenanceEnd.class, MaintenanceExtend.class,
                MaintenanceCancel.class),
        /** Typed as {@code /maintenance list}; a family of its own so that everyone may read the windows. */
        MAINTENANCE_LIST(MaintenanceList.class),
        INCIDENT(IncidentOpen.class, IncidentAck.class, IncidentUpdate.class, IncidentSeverity.class,
                IncidentCommander.class, IncidentResolve.class),
        AUDIT(AuditVerify.class), AUDIT_EXPORT(AuditExport.class), HELP(Help.class);

        private final java.util.List<Class<? extends Command>> types;

        @SafeVarargs
        Kind(Class<? extends Command>... types) {
            this.types = java.util.List.of(types);
        }

        public java.util.List<Class<? extends Command>> types() {
            return types;
        }
    }

    record Deploy(String service, String version, Optional<String> environment, Optional<Risk> risk,
                  Optional<String> reason, Optional<Instant> at) implements Command {
        public Kind kind() { return Kind.DEPLOY; }
    }

    record Rollback(String service, Optional<String> environment, Optional<String> toVersion,
                    Optional<String> reason) implements Command {
        public Kind kind() { return Kind.ROLLBACK; }
    }

    record Approve(String deploymentId) implements Command {
        public Kind kind() { return Kind.APPROVE; }
    }

    record Reject(String deploymentId, Optional<String> reason) implements Command {
        public Kind kind() { return Kind.REJECT; }
    }

    record Cancel(String deploymentId) implements Command {
        public Kind kind() { return Kind.CANCEL; }
    }

    record Status(Optional<String> environment) implements Command {
        public Kind kind() { return Kind.STATUS; }
    }

    record Health(String service, Optional<String> environment) implements Command {
        public Kind kind() { return Kind.HEALTH; }
    }

    record History(String service, Optional<String> environment) implements Command {
        public Kind kind() { return Kind.HISTORY; }
    }

    record Lock(String service, String environment, String reason) implements Command {
        public Kind kind() { return Kind.LOCK; }
    }

    record Unlock(String service, String environment) implements Command {
        public Kind kind() { return Kind.UNLOCK; }
    }

    record MaintenanceStart(Duration duration, String reason, List<String> services,
                            Optional<String> environment) implements Command {
        public Kind kind() { return Kind.MAINTENANCE; }
    }

    record MaintenanceSchedule(Instant start, Duration duration, String reason, List<String> services,
                               Optional<String> environment) implements Command {
        public Kind kind() { return Kind.MAINTENANCE; }
    }

    /** Ends the named window, or the one active window when no id is given. */
    record MaintenanceEnd(Optional<String> windowId) implements Command {
        public Kind kind() { return Kind.MAINTENANCE; }
    }

    record MaintenanceExtend(String windowId, Duration by) implements Command {
        public Kind kind() { return Kind.MAINTENANCE; }
    }

    record MaintenanceList() implements Command {
        public Kind kind() { return Kind.MAINTENANCE_LIST; }
    }

    record MaintenanceCancel(String windowId) implements Command {
        public Kind kind() { return Kind.MAINTENANCE; }
    }

    record IncidentOpen(Severity severity, String title, Optional<String> service,
                        Optional<String> environment) implements Command {
        public IncidentOpen(Severity severity, String title, Optional<String> service) {
            this(severity, title, service, Optional.empty());
        }

        public Kind kind() { return Kind.INCIDENT; }
    }

    /**
     * The commands about one incident: {@code incident} is the id typed ({@code id:I-3}); empty = the
     * incident whose thread the command was typed in.
     */
    sealed interface AboutIncident extends Command {
        Optional<String> incident();
    }

    record IncidentAck(Optional<String> incident) implements AboutIncident {
        public IncidentAck() {
            this(Optional.empty());
        }

        public Kind kind() { return Kind.INCIDENT; }
    }

    record IncidentUpdate(String text, Optional<String> incident) implements AboutIncident {
        public IncidentUpdate(String text) {
            this(text, Optional.empty());
        }

        public Kind kind() { return Kind.INCIDENT; }
    }

    record IncidentSeverity(Severity severity, Optional<String> incident) implements AboutIncident {
        public IncidentSeverity(Severity severity) {
            this(severity, Optional.empty());
        }

        public Kind kind() { return Kind.INCIDENT; }
    }

    record IncidentCommander(String user, Optional<String> incident) implements AboutIncident {
        public IncidentCommander(String user) {
            this(user, Optional.empty());
        }

        public Kind kind() { return Kind.INCIDENT; }
    }

    record IncidentResolve(String summary, Optional<String> incident) implements AboutIncident {
        public IncidentResolve(String summary) {
            this(summary, Optional.empty());
        }

        public Kind kind() { return Kind.INCIDENT; }
    }

    record AuditVerify() implements Command {
        public Kind kind() { return Kind.AUDIT; }
    }

    record AuditExport(Optional<Instant> since, Optional<String> service) implements Command {
        public Kind kind() { return Kind.AUDIT_EXPORT; }
    }

    record Help() implements Command {
        public Kind kind() { return Kind.HELP; }
    }
}
