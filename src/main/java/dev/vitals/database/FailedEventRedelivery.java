package dev.vitals.database;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.modulith.events.FailedEventPublications;
import org.springframework.modulith.events.ResubmissionOptions;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers again, on a short schedule, every event publication whose listener failed (an audit append
 * while the database was away, a chat narration while the chat was down): a listener that throws leaves
 * its publication incomplete, and it is retried here until it succeeds. Only FAILED publications are
 * taken (Modulith 2's {@link FailedEventPublications}); a listener still running is not started twice.
 * Publications left PROCESSING by a dead process are marked failed by Modulith's staleness monitor
 * ({@code spring.modulith.events.staleness.processing}) and, at start, all outstanding ones are
 * republished ({@code spring.modulith.events.republish-outstanding-events-on-restart}).
 */
@Component
class FailedEventRedelivery {
    private static final Logger log = LoggerFactory.getLogger(FailedEventRedelivery.class);

    private final FailedEventPublications failed;
    private final Duration minAge;

    FailedEventRedelivery(FailedEventPublications failed,
                          DatabaseProperties properties) {
        this.failed = failed;
        this.minAge = properties.eventRetryInterval();
    }

    @Scheduled(fixedDelayString = "${vitals.event-retry-interval:10s}",
            initialDelayString = "${vitals.event-retry-interval:10s}")
    void redeliver() {
        try {
            failed.resubmit(ResubmissionOptions.defaults().withMinAge(minAge));
        } catch (RuntimeException e) {
            // The database may be away right now; the next round tries again.
            log.warn("Could not resubmit failed event publications: {}", e.getMessage());
        }
    }
}
