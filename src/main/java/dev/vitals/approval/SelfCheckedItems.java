package dev.vitals.approval;

import dev.vitals.catalog.Catalog;
import dev.vitals.deploy.ContainerRuntime;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.EngineUnavailableException;
import dev.vitals.deploy.MaintenanceWindows;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checklist items Vitals can verify itself, so nobody has to tick them by hand (and nobody can tick
 * them falsely). Preflight checks the same facts again right before the start; a tick here is what was
 * true while people were signing off.
 */
@org.springframework.stereotype.Component
class SelfCheckedItems {
    static final String IMAGE_PRESENT = "image-present";
    static final String ENGINE_REACHABLE = "engine-reachable";
    static final String WINDOW_ACTIVE = "window-active";

    private final Catalog catalog;
    private final ContainerRuntime runtime;
    private final MaintenanceWindows windows;
    private final Clock clock;
    private final Map<String, Function<Deployment, Optional<String>>> checks;

    SelfCheckedItems(Catalog catalog, ContainerRuntime runtime, MaintenanceWindows windows, Clock clock) {
        this.catalog = catalog;
        this.runtime = runtime;
        this.windows = windows;
        this.clock = clock;
        this.checks = Map.of(IMAGE_PRESENT, this::imagePresent, ENGINE_REACHABLE, this::engineReachable,
                WINDOW_ACTIVE, this::windowActive);
    }

    static boolean isSelfChecked(String item) {
        return item.equals(IMAGE_PRESENT) || item.equals(ENGINE_REACHABLE) || item.equals(WINDOW_ACTIVE);
    }

    /** What Vitals found when the item holds (the tick's detail); empty when it does not hold now. */
    Optional<String> verify(Deployment d, String item) {
        Function<Deployment, Optional<String>> check = checks.get(item);
        if (check == null) {
            return Optional.empty();
        }
        try {
            return check.apply(d);
        } catch (EngineUnavailableException e) {
            return Optional.empty();
        }
    }

    private Optional<String> imagePresent(Deployment d) {
        return runtime.image(engine(d), d.imageDigest())
                .map(i -> d.image() + " (" + d.shortDigest() + ") is on the engine");
    }

    private Optional<String> engineReachable(Deployment d) {
        return Optional.of("Docker " + runtime.ping(engine(d)) + " answers");
    }

    private Optional<String> windowActive(Deployment d) {
        return windows.active(d.environment(), d.service(), clock.instant())
                ? Optional.of("a maintenance window is active for " + d.service() + " in " + d.environment())
                : Optional.empty();
    }

    private Catalog.EngineEndpoint engine(Deployment d) {
        return catalog.environments().get(d.environment()).engine();
    }
}
