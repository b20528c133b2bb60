package dev.vitals.docker;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.EngineEndpoint;
import dev.vitals.catalog.Catalog.Environment;
import dev.vitals.catalog.Catalog.LocalImage;
import dev.vitals.deploy.EngineUnavailableException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Once the application is ready, makes sure every engine of the catalog has every local image, on a
 * background thread so that the application answers meanwhile (about a second per image built). An
 * engine that does not answer is logged as a warning and skipped: the app still starts.
 */
@Component
class LocalImagesAtStartup {

    private static final Logger log = LoggerFactory.getLogger(LocalImagesAtStartup.class);

    private final Catalog catalog;
    private final LocalImageBuilder builder;

    LocalImagesAtStartup(Catalog catalog, LocalImageBuilder builder) {
        this.catalog = catalog;
        this.builder = builder;
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (catalog.localImages() == null || catalog.localImages().isEmpty()) {
            return;
        }
        Thread.ofPlatform().name("vitals-local-images").daemon(true).start(this::ensureAll);
    }

    /** Ensures every local image on every distinct engine; returns how many images it built. */
    int ensureAll() {
        int built = 0;
        for (EngineEndpoint engine : engines()) {
            try {
                for (LocalImage image : catalog.localImages()) {
                    if (builder.ensure(engine, image)) {
                        built++;
                    }
                }
            } catch (EngineUnavailableException e) {
                log.warn("Local images not checked on {}: {} Deploys there fail until the engine answers;"
                        + " restart Vitals to build the images then.", engine.host(), e.getMessage());
            } catch (RuntimeException e) {
                log.warn("Local images could not be built on {}: {}", engine.host(), e.getMessage(), e);
            }
        }
        return built;
    }

    private Set<EngineEndpoint> engines() {
        var engines = new LinkedHashSet<EngineEndpoint>();
        if (catalog.environments() != null) {
            for (Environment environment : catalog.environments().values()) {
                engines.add(environment.engine());
            }
        }
        return engines;
    }
}
