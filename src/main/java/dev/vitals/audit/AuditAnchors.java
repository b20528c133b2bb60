package dev.vitals.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.stereotype.Component;

/**
 * Anchors of the audit chain outside the database: {@code VITALS_HOME/audit-anchors}, one line per
 * anchor, appended and never rewritten. An anchor says how many entries the log had, up to which
 * entry, and that entry's hash; whoever later deletes the newest entries (or all of them) cannot make
 * the log agree with it. The file also records once up to which entry the log predates the audit key.
 *
 * <pre>
 * legacy-sha256-through 41
 * anchor 2026-12-02T07:00:00.000000Z entries=1234 head=1240 hash=3fa9…
 * </pre>
 */
@Component
class AuditAnchors {
    static final String FILE = "audit-anchors";
    private static final Logger log = LoggerFactory.getLogger(AuditAnchors.class);
    private static final String LEGACY = "legacy-sha256-through ";
    private static final String ANCHOR = "anchor ";

    private final Path file;
    private final ReentrantLock writing = new ReentrantLock();

    /** The log's state at a moment: {@code entries} entries up to entry {@code headId}, whose hash is {@code head}. */
    record Anchor(Instant at, long entries, long headId, String head) {
        String line() {
            return ANCHOR + AuditHash.at(at) + " entries=" + entries + " head=" + headId + " hash=" + head;
        }

        static Anchor parse(String line) {
            String[] f = line.substring(ANCHOR.length()).split(" ");
            return new Anchor(Instant.parse(f[0]), Long.parseLong(value(f[1], "entries=")),
                    Long.parseLong(value(f[2], "head=")), value(f[3], "hash="));
        }

        private static String value(String field, String name) {
            if (!field.startsWith(name)) {
                throw new IllegalArgumentException("expected " + name + " in '" + field + "'");
            }
            return field.substring(name.length());
        }
    }

    AuditAnchors(AuditProperties properties, DataSourceProperties database) {
        this.file = properties.dataDir().resolve(FILE);
        String databaseUrl = database.getUrl();
        if (properties.embeddedDatabase().fresh() && (databaseUrl == null || databaseUrl.isBlank())) {
            // A fresh embedded database (tests, trials) starts an empty log; old anchors would call it truncated.
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reset " + file, e);
            }
        }
    }

    Path file() {
        return file;
    }

    Optional<Anchor> latest() {
        return lines().reversed().stream().filter(l -> l.startsWith(ANCHOR)).findFirst().map(Anchor::parse);
    }

    OptionalLong legacyThrough() {
        return lines().stream().filter(l -> l.startsWith(LEGACY))
                .mapToLong(l -> Long.parseLong(l.substring(LEGACY.length()).strip())).findFirst();
    }

    void legacyThrough(long id) {
        append(LEGACY + id);
    }

    void add(Anchor anchor) {
        append(anchor.line());
    }

    private List<String> lines() {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit anchors " + file, e);
        }
    }

    private void append(String line) {
        writing.lock();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            log.error("Could not write the audit anchor to {}: {}", file, e.toString());
            throw new UncheckedIOException("cannot write the audit anchor " + file, e);
        } finally {
            writing.unlock();
        }
    }
}
