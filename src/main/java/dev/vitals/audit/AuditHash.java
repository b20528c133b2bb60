package dev.vitals.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hash of an entry, written down precisely enough for an auditor who holds the audit key to
 * recompute it from an export:
 *
 * <pre>
 * hash = lowercase hex of HMAC-SHA256( key, "vitals-audit-v2"
 *          + f(prev_hash) + f(id) + f(at) + f(actor) + f(action) + f(channel)
 *          + f(service) + f(subject) + f(before) + f(after) + f(detail) )
 * key      = the UTF-8 bytes of VITALS_AUDIT_KEY or of VITALS_HOME/audit.key, whitespace stripped
 * f(null)  = "~"
 * f(value) = (number of UTF-8 bytes of value, in decimal) + ":" + (the UTF-8 bytes of value)
 * id       = decimal;  at = UTC, always six fractional digits: 2026-11-01T08:00:00.000000Z
 * </pre>
 *
 * Length prefixes make the encoding unambiguous (no separator inside a value can shift a field
 * boundary) and distinguish null from empty. Times are microseconds because that is what PostgreSQL
 * keeps: hashing nanoseconds would make every entry fail verification once read back. The key keeps
 * whoever can write the table from recomputing the chain after a change.
 *
 * <p>Entries written before the chain was keyed ({@link #legacySha256}) are plain SHA-256 of
 * {@code "vitals-audit-v1"} and the same fields; they are accepted only up to the entry recorded,
 * outside the database, when the key was introduced (see {@link AuditAnchors}).
 */
final class AuditHash {
    private static final String VERSION = "vitals-audit-v2";
    private static final String LEGACY_VERSION = "vitals-audit-v1";
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private AuditHash() {
    }

    static String of(AuditEntry e, byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(VERSION.getBytes(StandardCharsets.US_ASCII));
            fields(e, mac::update);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException ex) {
            throw new IllegalStateException("every Java runtime has HmacSHA256", ex);
        }
    }

    /** The unkeyed hash of entries written before the key; anyone can compute it, so it proves little. */
    static String legacySha256(AuditEntry e) {
        MessageDigest sha = sha256();
        sha.update(LEGACY_VERSION.getBytes(StandardCharsets.US_ASCII));
        fields(e, sha::update);
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void fields(AuditEntry e, Consumer<byte[]> out) {
        field(out, e.prevHash());
        field(out, Long.toString(e.id()));
        field(out, at(e.at()));
        field(out, e.actor());
        field(out, e.action());
        field(out, e.channel());
        field(out, e.service());
        field(out, e.subject());
        field(out, e.before());
        field(out, e.after());
        field(out, e.detail());
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

    private static void field(Consumer<byte[]> out, String value) {
        if (value == null) {
            out.accept(new byte[] {'~'});
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.accept((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.accept(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
