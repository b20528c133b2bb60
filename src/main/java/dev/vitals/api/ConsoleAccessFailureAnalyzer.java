package dev.vitals.api;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a refused console setting into the problem and a one-line fix instead of a stack trace. */
class ConsoleAccessFailureAnalyzer extends AbstractFailureAnalyzer<ConsoleAccessException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConsoleAccessException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.fix(), cause);
    }
}
