package dev.vitals.api;

import dev.vitals.database.DatabaseBusy;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every HTTP surface (API and console) answers 503 with a plain sentence while PostgreSQL does not
 * answer (no connection, or it went away mid-request; a bug in a statement stays a 500): the request was not taken, so nothing is half-done and the caller knows to try again.
 */
@RestControllerAdvice
class DatabaseUnavailable {
    private static final Logger log = LoggerFactory.getLogger(DatabaseUnavailable.class);
    static final String MESSAGE = "Vitals cannot reach its database right now, so nothing was done. Try again in a"
            + " minute; deployments already running finish or end safely once it is back.";

    static final String BUSY = "Vitals is too busy to take this right now, so nothing was done. Try again in a few"
            + " seconds.";

    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessResourceException.class,
            CannotCreateTransactionException.class})
    ResponseEntity<Map<String, String>> unavailable(RuntimeException e) {
        if (DatabaseBusy.isPoolExhausted(e)) {
            log.warn("Request not served: every database connection stayed busy");
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "5")
                    .body(Map.of("error", BUSY));
        }
        log.warn("Request not served: the database does not answer ({})", e.getClass().getSimpleName());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "30")
                .body(Map.of("error", MESSAGE));
    }
}
