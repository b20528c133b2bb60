package dev.vitals.incident;

import dev.vitals.leadership.Leadership;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Escalations and update reminders by the injected clock. Their due times are columns of the incident, so
 * after a restart (or on a standby that took over) the first tick finds what came due meanwhile; each is
 * claimed with its row locked, so it happens once. Only the active Vitals ticks.
 */
@Component
class IncidentTimer {
    private static final Logger log = LoggerFactory.getLogger(IncidentTimer.class);

    private final ReentrantLock running = new ReentrantLock();
    private final Incidents incidents;
    private final Leadership leadership;
    private final Clock clock;

    IncidentTimer(Incidents incidents, Leadership leadership, Clock clock) {
        this.incidents = incidents;
        this.leadership = leadership;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${vitals.incident-interval:1s}", initialDelayString = "${vitals.incident-interval:1s}")
    void tick() {
        if (!leadership.isActive()) {
            return;
        }
        running.lock();
        try {
            incidents.runDue(clock.instant());
        } catch (RuntimeException e) {
            log.warn("Incident timer: {} ({}); trying again at the next tick", e.getMessage(), e.getClass().getSimpleName());
        } finally {
            running.unlock();
        }
    }
}
