package dev.vitals.leadership;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.modulith.events.FailedEventPublications;
import org.springframework.modulith.events.ResubmissionOptions;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers again, on a short schedule, every event publication whose listener failed (an audit append
 * while the database was away, a chat narration while the chat was down): a listener that throws leaves
 * its publication incomplete, and it is retried here until it succeeds. Only FAILED publications are
 * taken (Modulith 2's {@link FailedEventPublications}); a listener still running is not started twice.
 *
 * <p>Only the active process redelivers, so a standby never runs a listener the active one also runs.
 * Publications left unfinished by a process that died (PUBLISHED, PROCESSING or RESUBMITTED for longer
 * than {@code spring.modulith.events.staleness.*}) are marked failed by Modulith's staleness monitor and
 * then taken here: that is also how a restart finds what the previous run left, rather than Modulith's
 * republish-on-restart, which would deliver again what the active process of a pair is still running.
 */
@Component
@EnableConfigurationProperties(EventRedeliveryProperties.class)
class FailedEventRedelivery {
    private static final Logger log = LoggerFactory.getLogger(FailedEventRedelivery.class);

    private final FailedEventPublications failed;
    private final Leadership leadership;
    private final Duration minAge;

    FailedEventRedelivery(FailedEventPublications failed, Leadership leadership, EventRedeliveryProperties properties) {
        this.failed = failed;
        this.leadership = leadership;
        this.minAge = properties.eventRetryInterval();
    }

    @Scheduled(fixedDelayString = "${vitals.event-retry-interval:10s}",
            initialDelayString = "${vitals.event-retry-interval:10s}")
    void redeliver() {
        if (!leadership.isActive()) {
            return;
        }
        try {
            failed.resubmit(ResubmissionOptions.defaults().withMinAge(minAge));
        } catch (RuntimeException e) {
            // The database may be away right now; the next round tries again.
            log.warn("Could not resubmit failed event publications: {}", e.getMessage());
        }
    }
}
