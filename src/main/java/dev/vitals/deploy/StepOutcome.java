package dev.vitals.deploy;

/** How a pipeline step ended. */
sealed interface StepOutcome {
    String detail();

    record Succeeded(String detail) implements StepOutcome {
    }

    record Failed(String detail) implements StepOutcome {
    }

    record Skipped(String detail) implements StepOutcome {
    }
}
