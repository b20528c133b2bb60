package dev.vitals.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the embedded PostgreSQL die with Vitals where the JVM itself cannot: a small shell child
 * that waits on a pipe only this JVM writes to. When the JVM ends in any way, SIGKILL included, the
 * kernel closes the pipe, the read returns, and the shell asks the postmaster for a fast shutdown,
 * but only if the data directory's pid file still names that postmaster (so it can never stop a
 * database a newer Vitals has started there since). A normal stop closes the watchdog first and
 * then stops the database itself. {@link LeftoverPostmaster} covers the case where the watchdog was
 * killed too.
 */
final class PostmasterWatchdog implements AutoCloseable {
    /** The watchdog's {@code $0}, so people (and tests) can tell it apart in {@code ps}. */
    static final String NAME = "vitals-postgres-watchdog";
    private static final Logger log = LoggerFactory.getLogger(PostmasterWatchdog.class);
    private static final String SCRIPT = "read -r _ ; [ \"$(head -n 1 \"$1/postmaster.pid\" 2>/dev/null)\" = \"$2\" ]"
            + " && kill -INT \"$2\"";

    private final Process process;

    private PostmasterWatchdog(Process process) {
        this.process = process;
    }

    /** Starts a watchdog for the postmaster running in {@code data}, when the pid file names one. */
    static Optional<PostmasterWatchdog> start(Path data) {
        try {
            List<String> lines = Files.readAllLines(data.resolve(LeftoverPostmaster.PID_FILE));
            String pid = lines.isEmpty() ? "" : lines.getFirst().strip();
            if (!pid.matches("\\d+")) {
                return Optional.empty();
            }
            Process p = new ProcessBuilder("sh", "-c", SCRIPT, NAME, data.toString(), pid)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            return Optional.of(new PostmasterWatchdog(p));
        } catch (IOException e) {
            log.warn("No watchdog for the embedded PostgreSQL ({}); if Vitals is killed, the next start stops it",
                    e.toString());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        // SIGKILL: the shell must not run its kill, the database is about to be stopped properly.
        process.destroyForcibly();
    }
}
