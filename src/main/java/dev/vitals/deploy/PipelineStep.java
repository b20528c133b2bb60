package dev.vitals.deploy;

import java.time.Duration;
import java.util.Optional;

/**
 * One typed step of a deploy or rollback pipeline: it has a name people read in the thread, a
 * timeout, and an outcome. Steps throw only when interrupted; anything else is a {@link StepOutcome.Failed}.
 */
interface PipelineStep {
    String name();

    Duration timeout(Run run);

    StepOutcome execute(Run run) throws InterruptedException;

    /**
     * Why the step has nothing to do for this run, decided before it starts (a hook that is not
     * configured): then its start and its end are recorded in one write, as one moment, and it does not run.
     */
    default Optional<String> skipped(Run run) {
        return Optional.empty();
    }

    /** A step that can simply run again after Vitals restarted in the middle of it. */
    default boolean resumable() {
        return false;
    }
}
