package dev.vitals.incident;

import dev.vitals.catalog.Severity;
import dev.vitals.deploy.IncidentGate;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** An open (or acknowledged) P0 or P1 on a service, or on its whole environment, stops its deploys at preflight. */
@Component
class OpenIncidentGate implements IncidentGate {
    private final IncidentStore store;

    OpenIncidentGate(IncidentStore store) {
        this.store = store;
    }

    @Override
    public Optional<String> blocking(String service, String environment) {
        return store.openFor(service, environment).stream()
                .filter(i -> i.severity() == Severity.P0 || i.severity() == Severity.P1)
                .findFirst()
                .map(i -> "incident " + i.label() + " is " + i.status().name().toLowerCase() + " on " + service
                        + " in " + environment + ": " + IncidentChat.inert(i.title()) + ". Only rollbacks run until"
                        + " it is resolved (/rollback " + service + " " + environment + "), or it is lowered to P2.");
    }
}
