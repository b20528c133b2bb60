package dev.vitals.deploy;

import java.time.Duration;

/**
 * One typed step of a deploy or rollback pipeline: it has a name people read in the thread, a
 * timeout, and an outcome. Steps throw only when interrupted; anything else is a {@link StepOutcome.Failed}.
 */
interface PipelineStep {
    String name();

    Duration timeout(Run run);

    StepOutcome execute(Run run) throws InterruptedException;

    /** A step that can simply run again after Vitals restarted in the middle of it. */
    default boolean resumable() {
        return false;
    }
}
