package dev.vitals.deploy;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vitals.engine-state.refresh} ({@code VITALS_ENGINE_STATE_REFRESH}, 5 s): how often every engine's
 * containers are listed again for the read-only answers ({@code /status}, the dashboard) whatever its events
 * said, and a broken event stream is opened again. An answer older than twice this says so.
 */
@ConfigurationProperties("vitals.engine-state")
record EngineStateProperties(@DefaultValue("5s") Duration refresh) {
    EngineStateProperties {
        if (refresh == null || refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("vitals.engine-state.refresh must be a positive duration, such as 5s");
        }
    }
}
