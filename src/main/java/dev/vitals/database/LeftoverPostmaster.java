package dev.vitals.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a previous Vitals left in the embedded database's data directory, dealt with before a new
 * postmaster starts there. A Vitals killed with SIGKILL cannot stop its PostgreSQL, which runs on in
 * a process group of its own and keeps {@code postmaster.pid}; a new postmaster would then refuse the
 * directory. Such a leftover is asked for a fast shutdown (SIGINT: roll back open transactions,
 * checkpoint, exit) and awaited. A pid file whose process is gone, or is no PostgreSQL at all (the
 * pid was reused after a reboot), is stale: it is removed and nothing is signalled.
 *
 * <p>zonky holds an OS file lock on {@code epg-lock} in the data directory for as long as its JVM
 * lives, so a lock we can take proves the Vitals that started the leftover is dead; a lock we cannot
 * take means another living Vitals uses this directory, and its database is left alone.
 */
final class LeftoverPostmaster {
    static final String PID_FILE = "postmaster.pid";
    private static final String ZONKY_LOCK = "epg-lock";

    private LeftoverPostmaster() {
    }

    /** Clears the way for a new postmaster in {@code data}; returns one line saying what was found. */
    static String settle(Path data, Duration shutdownTimeout) {
        Path pidFile = data.resolve(PID_FILE);
        Optional<Long> pid = pid(pidFile);
        if (pid.isEmpty()) {
            return Files.isDirectory(data) ? "no PostgreSQL left running in " + data
                    : "no data yet in " + data + " (first start: a new database is created)";
        }
        ensureNoLivingOwner(data);
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            delete(pidFile);
            return "a stale " + PID_FILE + " (pid " + pid.get() + " no longer runs) in " + data
                    + ": removed it, the database starts normally";
        }
        if (!isPostgres(process.get())) {
            delete(pidFile);
            return "a stale " + PID_FILE + " in " + data + " naming pid " + pid.get() + ", which is now "
                    + process.get().info().command().orElse("another program") + ", not PostgreSQL: removed the file,"
                    + " left that process alone";
        }
        long started = System.nanoTime();
        stop(process.get(), shutdownTimeout);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return "PostgreSQL (pid " + pid.get() + ") still running in " + data + ", left by a Vitals that did not"
                + " stop cleanly: shut it down (fast) in " + took.toMillis() + " ms before starting it again";
    }

    private static Optional<Long> pid(Path pidFile) {
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty() || !lines.getFirst().strip().matches("\\d{1,10}")) {
                return Optional.of(-1L);
            }
            return Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pidFile, e);
        }
    }

    private static void ensureNoLivingOwner(Path data) {
        Path lock = data.resolve(ZONKY_LOCK);
        if (!Files.exists(lock)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) {
                throw new IllegalStateException(inUse(data));
            }
            held.release();
        } catch (OverlappingFileLockException e) {
            throw new IllegalStateException(inUse(data), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check " + lock, e);
        }
    }

    private static String inUse(Path data) {
        return "another running Vitals uses the embedded database in " + data + "; stop it first, or give this"
                + " one its own VITALS_HOME";
    }

    /** The postmaster runs the {@code postgres} binary (a pid reused by anything else is not ours to signal). */
    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command().map(c -> Path.of(c).getFileName().toString().equals("postgres"))
                .orElse(false);
    }

    private static void stop(ProcessHandle postmaster, Duration timeout) {
        signal(postmaster, "INT");
        try {
            postmaster.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Fast shutdown hangs only on a wedged server; SIGQUIT makes it exit at once (it recovers from
            // its WAL at the next start, as after a power cut).
            signal(postmaster, "QUIT");
            try {
                postmaster.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException again) {
                throw new IllegalStateException("PostgreSQL (pid " + postmaster.pid() + ") left by a previous Vitals"
                        + " does not stop; stop it by hand (kill " + postmaster.pid() + ")", again);
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping PostgreSQL " + postmaster.pid(), again);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot wait for PostgreSQL " + postmaster.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping PostgreSQL " + postmaster.pid(), e);
        }
    }

    /** Java sends only SIGTERM and SIGKILL itself; PostgreSQL's fast and immediate shutdowns are INT and QUIT. */
    private static void signal(ProcessHandle process, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // no kill(1) on this host: fall back to what Java can send
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // SIGTERM is PostgreSQL's smart shutdown: it waits for sessions, which died with the old Vitals.
        process.destroy();
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the stale " + file, e);
        }
    }
}
