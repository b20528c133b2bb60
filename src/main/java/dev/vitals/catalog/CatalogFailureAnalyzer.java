package dev.vitals.catalog;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns an invalid catalog into a short start-up failure instead of a stack trace. */
class CatalogFailureAnalyzer extends AbstractFailureAnalyzer<CatalogException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CatalogException cause) {
        return new FailureAnalysis("Invalid catalog: " + cause.getMessage(),
                "Fix the catalog file and start Vitals again.", cause);
    }
}
