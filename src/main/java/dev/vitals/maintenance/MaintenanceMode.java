package dev.vitals.maintenance;

import dev.vitals.catalog.Catalog;
import dev.vitals.deploy.MaintenancePages;
import dev.vitals.leadership.Leadership;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Maintenance mode: while a window is active, each covered service that has a {@code maintenance-page} in
 * the catalog is served by its page; once the window has ended, by its live version again (or by a new
 * version deployed during the window). The deploy engine moves the traffic ({@link MaintenancePages});
 * this asks for what should be, every tick, until it is — so a restart, a standby taking over, an engine
 * that did not answer or a deployment that held the service meanwhile only delays it. An ended window is
 * looked after until its pages are gone.
 */
@Component
class MaintenanceMode {
    private static final Logger log = LoggerFactory.getLogger(MaintenanceMode.class);

    private final WindowStore store;
    private final Catalog catalog;
    private final MaintenancePages pages;
    private final Leadership leadership;
    private final java.util.Map<String, String> said = new java.util.concurrent.ConcurrentHashMap<>();

    private final Clock clock;

    MaintenanceMode(WindowStore store, Catalog catalog, MaintenancePages pages, Leadership leadership, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.catalog = catalog;
        this.pages = pages;
        this.leadership = leadership;
    }

    /** Whether the window puts any service in maintenance mode. */
    static boolean on(Catalog catalog, Window w) {
        return !paged(catalog, w).isEmpty();
    }

    /** The window's services that have a maintenance page. */
    static List<String> paged(Catalog catalog, Window w) {
        return w.services().stream().filter(s -> catalog.services().containsKey(s)
                && catalog.services().get(s).maintenancePage().isPresent()).toList();
    }

    @Scheduled(fixedDelayString = "${vitals.maintenance-interval:1s}", initialDelayString = "${vitals.maintenance-interval:1s}")
    void tick() {
        if (!leadership.isActive()) {
            return;
        }
        Instant now = clock.instant();
        for (Window w : store.withPages()) {
            // By time, as the deploy gate sees it: a window whose end has come is over before the timer says so.
            boolean wanted = w.status() == Window.Status.ACTIVE && w.end().isAfter(now);
            List<String> services = paged(catalog, w);
            boolean done = true;
            for (String service : services) {
                try {
                    MaintenancePages.Result r = wanted
                            ? pages.show(w.environment(), service, w.id())
                            : pages.lift(w.environment(), service, w.id());
                    done &= r.done();
                    // Each change of what happens is logged once, not every tick.
                    if (!r.detail().equals(said.put(w.id() + "/" + service, r.detail()))) {
                        log.info("Maintenance mode of {} in {} for {}: {}", service, w.environment(), w.id(), r.detail());
                    }
                } catch (RuntimeException e) {
                    // The next tick asks again: nothing is marked done that was not.
                    done = false;
                    String why = e.getMessage() + " (" + e.getClass().getSimpleName() + ")";
                    if (!why.equals(said.put(w.id() + "/" + service, why))) {
                        log.warn("Maintenance mode of {} in {} for {}: {}; trying again every tick", service,
                                w.environment(), w.id(), why);
                    }
                }
            }
            if (w.status() == Window.Status.ENDED && done) {
                store.pagesDone(w.id());
                services.forEach(s -> said.remove(w.id() + "/" + s));
            }
        }
    }
}
