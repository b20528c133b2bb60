package dev.vitals.incident;

import dev.vitals.catalog.Severity;
import dev.vitals.deploy.IncidentGate;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * An open (or acknowledged) P0 or P1 on a service stops its deploys at preflight. An incident of a whole
 * environment (no service named) blocks nothing: it would stop the very fix, and a rollback needs a service.
 */
@Component
class OpenIncidentGate implements IncidentGate {
    private final IncidentStore store;

    OpenIncidentGate(IncidentStore store) {
        this.store = store;
    }

    @Override
    public Optional<String> blocking(String service, String environment) {
        return store.openFor(service, environment).stream()
                .filter(i -> service.equals(i.service()))
                .filter(i -> i.severity() == Severity.P0 || i.severity() == Severity.P1)
                .findFirst()
                .map(i -> "incident " + i.label() + " is " + i.status().name().toLowerCase() + " on " + service
                        + " in " + environment + ": " + IncidentChat.inert(i.title()) + ". Only rollbacks run until"
                        + " it is resolved (/rollback " + service + " " + environment + "), or it is lowered to P2.");
    }
}
