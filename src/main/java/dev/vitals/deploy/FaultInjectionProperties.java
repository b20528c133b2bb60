package dev.vitals.deploy;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vitals.fault-injection.pause-at} ({@code VITALS_FAULT_INJECTION_PAUSE_AT}): test-only pauses in the
 * pipeline, see {@link FaultInjection}; empty (off) unless set.
 */
@ConfigurationProperties("vitals.fault-injection")
record FaultInjectionProperties(String pauseAt) {
    FaultInjectionProperties {
        pauseAt = pauseAt == null ? "" : pauseAt;
    }
}
