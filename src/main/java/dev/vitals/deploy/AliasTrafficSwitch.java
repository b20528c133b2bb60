package dev.vitals.deploy;

import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.Service;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The service name is a DNS alias on the environment's network. Docker cannot edit the aliases of a
 * connected container, so the new container is re-attached with the alias first; then the old one is
 * re-attached without it at its same address, so a client that resolved the old address an instant
 * before still reaches it. Between the two steps both answer, and never neither.
 */
@Component
class AliasTrafficSwitch implements TrafficSwitch {
    private final ContainerRuntime runtime;
    private final FaultInjection faults;

    AliasTrafficSwitch(ContainerRuntime runtime, FaultInjection faults) {
        this.runtime = runtime;
        this.faults = faults;
    }

    @Override
    public void move(Environment env, Service service, String from, String to) {
        boolean alreadyServing = runtime.inspect(env.engine(), to)
                .map(c -> c.aliases().getOrDefault(env.network(), List.of()).contains(service.name()))
                .orElseThrow(() -> new IllegalStateException("container " + shortId(to) + " is gone"));
        if (!alreadyServing) {
            attachWithAlias(env, service, to);
        }
        dropFrom(env, from);
    }

    @Override
    public void moveToNew(Environment env, Service service, String from, String to) {
        attachWithAlias(env, service, to);
        dropFrom(env, from);
    }

    private void attachWithAlias(Environment env, Service service, String to) {
        runtime.disconnect(env.engine(), to, env.network());
        runtime.connect(env.engine(), to, env.network(), List.of(service.name()));
    }

    private void dropFrom(Environment env, String from) {
        if (from != null) {
            if (faults.enabled()) {
                pauseIfAsked();
            }
            runtime.dropAliases(env.engine(), from, env.network());
        }
    }

    private void pauseIfAsked() {
        try {
            faults.midMove();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in the middle of a traffic move", e);
        }
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
