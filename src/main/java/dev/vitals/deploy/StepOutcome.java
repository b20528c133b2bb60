package dev.vitals.deploy;

/** How a pipeline step ended. */
sealed interface StepOutcome {
    String detail();

    record Succeeded(String detail) implements StepOutcome {
    }

    /**
     * A failure. {@code threadOutput} is for the deployment's thread only (a failing hook's last lines,
     * redacted and truncated); it is never stored with the step, nor sent to the API or the audit log.
     */
    record Failed(String detail, String threadOutput) implements StepOutcome {
        Failed(String detail) {
            this(detail, "");
        }
    }

    record Skipped(String detail) implements StepOutcome {
    }
}
