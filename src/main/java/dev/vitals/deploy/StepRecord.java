package dev.vitals.deploy;

import java.time.Instant;

/** One pipeline step as persisted: written when it starts and again when it ends. */
public record StepRecord(int seq, String name, StepStatus status, Instant startedAt, Instant finishedAt, String detail) {

    public enum StepStatus { RUNNING, SUCCEEDED, FAILED, SKIPPED }
}
