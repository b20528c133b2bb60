package dev.vitals.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The key of the audit chain's HMAC, kept outside the database so that whoever owns the database can
 * change rows but cannot compute the hashes that would make the change verify. It is
 * {@code VITALS_AUDIT_KEY} when set, otherwise the content of {@code VITALS_HOME/audit.key}, created
 * at the first start with 32 random bytes (as hex) and permissions 0600. Either way the key is the
 * UTF-8 bytes of that text with surrounding whitespace removed. Never logged.
 */
@Component
@EnableConfigurationProperties(AuditProperties.class)
class AuditKey {
    static final String FILE = "audit.key";
    private static final Logger log = LoggerFactory.getLogger(AuditKey.class);

    private final byte[] key;
    private final String source;

    AuditKey(AuditProperties properties) {
        String key = properties.audit().key();
        Path home = properties.dataDir();
        if (!key.isBlank()) {
            this.key = key.strip().getBytes(StandardCharsets.UTF_8);
            this.source = "VITALS_AUDIT_KEY";
        } else {
            Path file = home.resolve(FILE);
            this.key = readOrCreate(file).getBytes(StandardCharsets.UTF_8);
            this.source = file.toString();
        }
        if (this.key.length < 16) {
            throw new IllegalStateException("the audit key from " + source + " is too short: use at least 16"
                    + " characters (e.g. openssl rand -hex 32)");
        }
    }

    byte[] bytes() {
        return key.clone();
    }

    /** Where the key came from (a variable's name or a path; never the key). */
    String source() {
        return source;
    }

    private static String readOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.writeString(file, HexFormat.of().formatHex(random) + "\n");
                    log.info("Created the audit key {} (0600); keep a copy with your backups: without it the audit"
                            + " log cannot be verified", file);
                } catch (FileAlreadyExistsException raced) {
                    // another process created it first: use theirs
                }
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the audit key " + file
                    + " (or set VITALS_AUDIT_KEY)", e);
        }
    }
}
