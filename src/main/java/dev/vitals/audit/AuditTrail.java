package dev.vitals.audit;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.DurationText;
import dev.vitals.approval.ApprovalExpired;
import dev.vitals.approval.ApprovalGranted;
import dev.vitals.approval.ApprovalRevoked;
import dev.vitals.approval.ChecklistItemTicked;
import dev.vitals.approval.SignOffIgnored;
import dev.vitals.chat.CommandHandled;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.DeploymentRejected;
import dev.vitals.deploy.Deployments;
import dev.vitals.deploy.DeploymentStatusChanged;
import dev.vitals.deploy.DeploymentStepFinished;
import dev.vitals.incident.IncidentChanged;
import dev.vitals.maintenance.MaintenanceNoticeSent;
import dev.vitals.maintenance.MaintenanceWindowChanged;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Writes what the other modules announce into the audit log. Entries hold only what the events carry
 * (names, statuses, command lines, outcomes), never credentials, and the log lines about a lost entry
 * name its kind and subject, not its content.
 *
 * <p>Each listener is an {@code @ApplicationModuleListener}: the event was stored with the change it
 * announces (same transaction), and the entry is written after that committed, in a transaction of its
 * own. A failed append never breaks the flow that published it (a clinic must not lose a rollback because
 * the audit table was briefly unavailable), and it is not lost either: the listener throws, its
 * publication stays incomplete and is delivered again until the entry is written. Each failure is logged
 * and counted in {@code vitals.audit.append.failures}, for an alert to catch.
 */
@Component
class AuditTrail {
    static final String COMMAND_ACCEPTED = "command.accepted";
    static final String COMMAND_REFUSED = "command.refused";
    static final String DEPLOYMENT_STATUS = "deployment.status";
    static final String DEPLOYMENT_STEP = "deployment.step";
    static final String CONFIG_LOADED = "config.loaded";
    static final String APPROVAL_GRANTED = "approval.granted";
    static final String APPROVAL_REVOKED = "approval.revoked";
    static final String APPROVAL_EXPIRED = "approval.expired";
    static final String DEPLOYMENT_REJECTED = "deployment.rejected";
    static final String CHECKLIST_TICKED = "checklist.ticked";
    static final String SIGN_OFF_IGNORED = "sign-off.ignored";
    static final String MAINTENANCE_WINDOW = "maintenance.window";
    static final String MAINTENANCE_NOTICE = "maintenance.notice";
    static final String INCIDENT = "incident.";
    static final String VITALS = "vitals";

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    private final AuditLog audit;
    private final Catalog catalog;
    private final Deployments deployments;
    private final Counter failures;

    AuditTrail(AuditLog audit, Catalog catalog, Deployments deployments, MeterRegistry meters) {
        this.audit = audit;
        this.catalog = catalog;
        this.deployments = deployments;
        this.failures = Counter.builder("vitals.audit.append.failures")
                .description("Audit entries that could not be written").register(meters);
    }

    @ApplicationModuleListener
    void on(CommandHandled e) {
        record(e.accepted() ? COMMAND_ACCEPTED : COMMAND_REFUSED, () -> new AuditEntry.Draft(e.actor(),
                e.accepted() ? COMMAND_ACCEPTED : COMMAND_REFUSED, e.channel(), serviceNamedIn(e.text()),
                e.thread() == null ? null : "thread " + e.thread(), null, e.outcome(), e.text()));
    }

    @ApplicationModuleListener
    void on(DeploymentStatusChanged e) {
        record(DEPLOYMENT_STATUS, () -> new AuditEntry.Draft(e.actor(), DEPLOYMENT_STATUS, deploysChannel(e.environment()),
                e.service(), e.deploymentId(), e.from() == null ? null : e.from().name(), e.to().name(),
                e.service() + " " + e.version() + " → " + e.environment() + (e.detail() == null ? "" : ": " + e.detail())));
    }

    @ApplicationModuleListener
    void on(DeploymentStepFinished e) {
        record(DEPLOYMENT_STEP, () -> new AuditEntry.Draft(VITALS, DEPLOYMENT_STEP, deploysChannel(e.environment()),
                e.service(), e.deploymentId(), null, e.status().name(), e.step() + " in " + e.environment() + " ("
                + DurationText.format(e.took().truncatedTo(ChronoUnit.MILLIS)) + ")"
                + (e.detail() == null ? "" : ": " + e.detail())));
    }

    @ApplicationModuleListener
    void on(ApprovalGranted e) {
        signOff(APPROVAL_GRANTED, e.deploymentId(), e.actor(), null, e.role(),
                "approved as " + e.role() + " via " + e.via() + " for " + e.imageDigest());
    }

    @ApplicationModuleListener
    void on(ApprovalRevoked e) {
        signOff(APPROVAL_REVOKED, e.deploymentId(), e.actor(), e.role(), null, e.detail());
    }

    @ApplicationModuleListener
    void on(ApprovalExpired e) {
        signOff(APPROVAL_EXPIRED, e.deploymentId(), e.actor(), e.role(), null, e.detail());
    }

    @ApplicationModuleListener
    void on(DeploymentRejected e) {
        signOff(DEPLOYMENT_REJECTED, e.deploymentId(), e.actor(), null, e.role(),
                "rejected via " + e.via() + (e.reason() == null ? "" : ": " + e.reason()));
    }

    @ApplicationModuleListener
    void on(ChecklistItemTicked e) {
        signOff(CHECKLIST_TICKED, e.deploymentId(), e.actor(), null, e.item(), e.detail());
    }

    @ApplicationModuleListener
    void on(SignOffIgnored e) {
        signOff(SIGN_OFF_IGNORED, e.deploymentId(), e.actor(), null, e.action(), e.reason());
    }

    @ApplicationModuleListener
    void on(MaintenanceWindowChanged e) {
        record(MAINTENANCE_WINDOW, () -> new AuditEntry.Draft(e.actor(), MAINTENANCE_WINDOW, null,
                String.join(",", e.services()), e.windowId(), e.from(), e.to(), e.environment() + ": " + e.detail()));
    }

    @ApplicationModuleListener
    void on(MaintenanceNoticeSent e) {
        record(MAINTENANCE_NOTICE, () -> new AuditEntry.Draft(VITALS, MAINTENANCE_NOTICE, e.channel(), null,
                e.windowId(), null, e.kind(), e.kind() + " notice for " + e.environment() + " sent"
                + (e.late() ? " late (due " + e.dueAt() + ")" : "")));
    }

    @ApplicationModuleListener
    void on(IncidentChanged e) {
        record(INCIDENT + e.kind(), () -> new AuditEntry.Draft(e.actor(), INCIDENT + e.kind(),
                e.environment() == null ? null : catalog.environment(e.environment())
                        .map(env -> env.channels().incidents()).orElse(null),
                e.service(), e.incidentId(), null, e.kind(), e.text()));
    }

    private void signOff(String action, String deploymentId, String actor, String before, String after,
                         String detail) {
        record(action, () -> {
            Deployment d = deployments.find(deploymentId).orElse(null);
            return new AuditEntry.Draft(actor, action, d == null ? null : deploysChannel(d.environment()),
                    d == null ? null : d.service(), deploymentId, before, after, detail);
        });
    }

    /**
     * What configuration this process runs with: the catalog file and a hash of its bytes (not the
     * bytes: a catalog may hold service settings no auditor needs). {@code before} is the previous
     * start's hash, so a changed catalog stands out.
     */
    @EventListener(ApplicationReadyEvent.class)
    void configurationLoaded() {
        try {
            configurationEntry();
        } catch (RuntimeException e) {
            // Not a publication that could be delivered again: the next start records the configuration.
            log.error("The {} entry could not be written", CONFIG_LOADED);
        }
    }

    private void configurationEntry() {
        record(CONFIG_LOADED, () -> {
            Path file = catalog.source().toAbsolutePath();
            String hash;
            try {
                hash = "sha256:" + AuditHash.sha256Hex(Files.readAllBytes(file));
            } catch (IOException e) {
                hash = "unreadable: " + e.getClass().getSimpleName();
            }
            String previous = audit.last(CONFIG_LOADED).map(AuditEntry::after).orElse(null);
            return new AuditEntry.Draft(VITALS, CONFIG_LOADED, null, null, file.toString(), previous, hash,
                    "catalog: " + catalog.environments().size() + " environments, " + catalog.services().size()
                            + " services, " + catalog.users().size() + " users"
                            + (previous == null || previous.equals(hash) ? "" : "; changed since the last start"));
        });
    }

    /** Appends the entry, or throws so that the publication stays incomplete and is delivered again. */
    private void record(String action, Supplier<AuditEntry.Draft> entry) {
        try {
            audit.append(entry.get());
        } catch (RuntimeException e) {
            failures.increment();
            log.error("Could not write a {} entry to the audit log ({}); it is retried", action,
                    e.getClass().getSimpleName());
            throw e;
        }
    }

    /**
     * The service a command line is about, so an export for one service includes the commands about
     * it: the first word after the command that names a catalog service. Best effort by design (the
     * line itself is kept whole in the entry).
     */
    private String serviceNamedIn(String text) {
        if (text == null) {
            return null;
        }
        String[] words = text.strip().split("\\s+");
        for (int i = 1; i < words.length; i++) {
            if (catalog.services().containsKey(words[i])) {
                return words[i];
            }
        }
        return null;
    }

    private String deploysChannel(String environment) {
        return catalog.environment(environment).map(env -> env.channels().deploys()).orElse(null);
    }
}
