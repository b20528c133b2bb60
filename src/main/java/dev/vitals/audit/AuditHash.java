package dev.vitals.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * The hash of an entry, written down precisely enough for an auditor to recompute it from an export:
 *
 * <pre>
 * hash = lowercase hex of SHA-256( "vitals-audit-v1"
 *          + f(prev_hash) + f(id) + f(at) + f(actor) + f(action) + f(channel)
 *          + f(service) + f(subject) + f(before) + f(after) + f(detail) )
 * f(null)  = "~"
 * f(value) = (number of UTF-8 bytes of value, in decimal) + ":" + (the UTF-8 bytes of value)
 * id       = decimal;  at = UTC, always six fractional digits: 2026-11-01T08:00:00.000000Z
 * </pre>
 *
 * Length prefixes make the encoding unambiguous (no separator inside a value can shift a field
 * boundary) and distinguish null from empty. Times are microseconds because that is what PostgreSQL
 * keeps: hashing nanoseconds would make every entry fail verification once read back.
 */
final class AuditHash {
    private static final String VERSION = "vitals-audit-v1";
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private AuditHash() {
    }

    static String of(AuditEntry e) {
        MessageDigest sha = sha256();
        sha.update(VERSION.getBytes(StandardCharsets.US_ASCII));
        field(sha, e.prevHash());
        field(sha, Long.toString(e.id()));
        field(sha, at(e.at()));
        field(sha, e.actor());
        field(sha, e.action());
        field(sha, e.channel());
        field(sha, e.service());
        field(sha, e.subject());
        field(sha, e.before());
        field(sha, e.after());
        field(sha, e.detail());
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The one text form of an entry's time, in the hash, the API and the export alike. */
    static String at(Instant at) {
        if (at.getNano() % 1000 != 0) {
            // Would hash a time that PostgreSQL cannot store: the entry would be broken from birth.
            throw new IllegalArgumentException("audit times have microsecond precision, got " + at);
        }
        return AT.format(at);
    }

    static Instant micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(sha256().digest(content));
    }

    private static void field(MessageDigest sha, String value) {
        if (value == null) {
            sha.update((byte) '~');
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        sha.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
