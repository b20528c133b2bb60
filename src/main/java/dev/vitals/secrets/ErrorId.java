package dev.vitals.secrets;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;

/**
 * Stands in for an unexpected exception outside the log: the log gets the stack trace under a short
 * id, people get a plain sentence with that id. Exception messages carry internals (SQL, hosts,
 * sometimes values), so they never reach chat or an HTTP answer.
 */
public record ErrorId(String id) {

    /** Logs {@code what} with the exception's stack trace under a new id and returns that id. */
    public static ErrorId logged(Logger log, String what, Throwable e) {
        ErrorId id = new ErrorId("E-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2));
        log.error("{} (error {})", what, id.id(), e);
        return id;
    }

    /** The sentence for chat: "Something went wrong (error E-7f3a2c); the details are in Vitals' log under that id." */
    public String sentence() {
        return "Something went wrong (error " + id + "); the details are in Vitals' log under that id.";
    }

    @Override
    public String toString() {
        return id;
    }
}
