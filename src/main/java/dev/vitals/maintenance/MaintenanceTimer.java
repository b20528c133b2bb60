package dev.vitals.maintenance;

import dev.vitals.leadership.Leadership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Drives windows by the clock: starts and ends them when their time comes and sends the notices that are
 * due. Everything it acts on is in PostgreSQL, so after a restart (or when a standby takes over) the
 * first tick finds what came due meanwhile: a window whose end passed is closed with its completion
 * notice, a notice missed is sent once, marked late. Only the active Vitals ticks (a standby that takes
 * over catches up at its next tick; the leadership thread is never made to wait for chat).
 */
@Component
class MaintenanceTimer {
    private static final Logger log = LoggerFactory.getLogger(MaintenanceTimer.class);

    private final WindowPlanner planner;
    private final NoticeSender notices;
    private final Leadership leadership;

    MaintenanceTimer(WindowPlanner planner, NoticeSender notices, Leadership leadership) {
        this.planner = planner;
        this.notices = notices;
        this.leadership = leadership;
    }

    @Scheduled(fixedDelayString = "${vitals.maintenance-interval:1s}", initialDelayString = "${vitals.maintenance-interval:1s}")
    void tick() {
        if (!leadership.isActive()) {
            return;
        }
        try {
            planner.moveDue();
            notices.sendDue();
        } catch (RuntimeException e) {
            // The next tick tries again: nothing is marked done that was not.
            log.warn("Maintenance timer: {} ({}); trying again at the next tick", e.getMessage(),
                    e.getClass().getSimpleName());
        }
    }
}
