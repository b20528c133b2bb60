package dev.vitals.incident;

import dev.vitals.catalog.Severity;
import dev.vitals.deploy.Deployments;
import dev.vitals.deploy.DeploymentStatus;
import dev.vitals.deploy.DeploymentStatusChanged;
import dev.vitals.deploy.StepRecord;
import java.util.List;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Deployments and incidents meet here. A deployment that failed or was rolled back in an environment the
 * catalog names ({@code incidents.open-on-failure}, production by default) opens a P1 linked to it, unless
 * it failed at preflight with nothing changed on the engine, or its service already has an open incident
 * there (then it joins that one). Every status change of a service with an open incident goes into that
 * incident's timeline. The event is durable: a delivery lost to a crash is retried, and the deployment id
 * is the incident's source key, so a retry finds the incident instead of opening a second.
 */
@Component
class DeploymentIncidents {
    private final Incidents incidents;
    private final IncidentStore store;
    private final Deployments deployments;

    DeploymentIncidents(Incidents incidents, IncidentStore store, Deployments deployments) {
        this.incidents = incidents;
        this.store = store;
        this.deployments = deployments;
    }

    // Only moves of an existing deployment: the condition is checked before a delivery is stored at all.
    @ApplicationModuleListener(condition = "#p0.from() != null")
    void on(DeploymentStatusChanged e) {
        if (e.from() == null) {
            return;
        }
        boolean failed = e.to() == DeploymentStatus.FAILED || e.to() == DeploymentStatus.ROLLED_BACK;
        List<Incident> open = store.openFor(e.service(), e.environment()).stream()
                .filter(i -> !("deployment:" + e.deploymentId()).equals(i.sourceKey())).toList();
        for (Incident i : open) {
            boolean linked = store.deployments(i.id()).contains(e.deploymentId());
            if (linked || failed || e.to() == DeploymentStatus.RUNNING || e.to().terminal()) {
                incidents.note(i.id(), "deployment", "deployment " + e.deploymentId() + " (" + e.service() + " "
                        + e.version() + ") is " + e.to() + (e.detail() == null ? "" : ": " + oneLine(e.detail())),
                        e.to() == DeploymentStatus.RUNNING || failed ? e.deploymentId() : null);
            }
        }
        if (!failed || !incidents.settings().openOnFailure().contains(e.environment()) || !open.isEmpty()
                || nothingChanged(e.deploymentId())) {
            return;
        }
        incidents.open(new Incidents.Opening(Severity.P1, e.service() + " " + e.version() + " deployment "
                + (e.to() == DeploymentStatus.FAILED ? "failed" : "was rolled back") + " in " + e.environment(),
                e.service(), e.environment(), "deployment", "deployment:" + e.deploymentId(), "vitals",
                List.of(e.deploymentId()), e.detail() == null ? null : "deployment " + e.deploymentId() + " "
                + e.to() + ": " + oneLine(e.detail())));
    }

    /** A failure at preflight changed nothing on the engine: nothing is broken, so nobody is paged. */
    private boolean nothingChanged(String deploymentId) {
        List<StepRecord> steps = deployments.steps(deploymentId);
        return steps.stream().allMatch(s -> s.name().equals("preflight") || s.status() == StepRecord.StepStatus.SKIPPED);
    }

    private static String oneLine(String text) {
        String s = dev.vitals.secrets.Secrets.redact(text).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
