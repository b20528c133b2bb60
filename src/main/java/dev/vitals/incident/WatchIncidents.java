package dev.vitals.incident;

import dev.vitals.catalog.Severity;
import dev.vitals.health.LiveServiceUnhealthy;
import dev.vitals.health.WatchCheckFailed;
import java.util.List;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * A failing post-deploy watch check opens an incident linked to the deployment (P1 where a failed deployment
 * would page, else P2), whose card offers {@code /rollback}; while it is open, later failures of the same
 * watch join it. An open incident on the service already takes the failure into its timeline instead.
 */
@Component
class WatchIncidents {
    private final Incidents incidents;
    private final IncidentStore store;

    WatchIncidents(Incidents incidents, IncidentStore store) {
        this.incidents = incidents;
        this.store = store;
    }

    /**
     * A live container turned unhealthy: a P1 (one open per service and environment) linked to the deployment
     * that started it, or a line in the open incident of the service; its recovery goes into the timeline.
     */
    @ApplicationModuleListener
    void on(LiveServiceUnhealthy e) {
        String line = e.container() + " (" + e.service() + " " + e.version() + ") turned "
                + (e.recovered() ? "healthy again" : "unhealthy") + " (the engine's health check)";
        List<Incident> open = store.openFor(e.service(), e.environment());
        if (!open.isEmpty() || e.recovered()) {
            open.stream().findFirst().ifPresent(i -> incidents.note(i.id(), "health", line, e.deploymentId()));
            return;
        }
        incidents.open(new Incidents.Opening(Severity.P1, e.service() + " " + e.version() + " is unhealthy in "
                + e.environment(), e.service(), e.environment(), "health", "health:" + e.service() + ":"
                + e.environment(), "vitals", e.deploymentId() == null ? List.of() : List.of(e.deploymentId()), line));
    }

    @ApplicationModuleListener
    void on(WatchCheckFailed e) {
        String line = "post-deploy watch of " + e.deploymentId() + " (" + e.service() + " " + e.version() + "): "
                + e.summary();
        List<Incident> open = store.openFor(e.service(), e.environment());
        if (!open.isEmpty()) {
            incidents.note(open.getFirst().id(), "health", line, e.deploymentId());
            return;
        }
        Severity severity = incidents.settings().openOnFailure().contains(e.environment()) ? Severity.P1 : Severity.P2;
        incidents.open(new Incidents.Opening(severity, e.service() + " " + e.version() + " failed its post-deploy watch"
                + " in " + e.environment(), e.service(), e.environment(), "health", "watch:" + e.deploymentId(),
                "vitals", List.of(e.deploymentId()), line));
    }
}
