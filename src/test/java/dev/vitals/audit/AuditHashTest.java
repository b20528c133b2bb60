package dev.vitals.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AuditHashTest {
    private static final Instant AT = Instant.parse("2026-11-01T08:00:00.123456Z");
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final String ENCODED_FIELDS = "64:" + "ab".repeat(32) + "2:42" + "27:2026-11-01T08:00:00.123456Z"
            + "3:bob" + "16:command.accepted" + "7:deploys" + "~" + "0:" + "~" + "6:ok ✅" + "7:/status";

    @Test
    void hashIsHmacSha256OfTheDocumentedLengthPrefixedEncoding() throws Exception {
        // given an entry with nulls, an empty value and multi-byte text
        AuditEntry e = new AuditEntry(42, AT, "bob", "command.accepted", "deploys", null, "", null, "ok ✅", "/status",
                "ab".repeat(32), null);

        // when it is hashed with a key
        String hash = AuditHash.of(e, KEY);

        // then it is exactly the keyed encoding the documentation gives, so an auditor with the key can recompute it
        String encoding = "vitals-audit-v2" + ENCODED_FIELDS;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
        assertThat(hash).isEqualTo(HexFormat.of().formatHex(mac.doFinal(encoding.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void legacyHashIsPlainSha256OfTheVersionOneEncoding() throws Exception {
        AuditEntry e = new AuditEntry(42, AT, "bob", "command.accepted", "deploys", null, "", null, "ok ✅", "/status",
                "ab".repeat(32), null);
        assertThat(AuditHash.legacySha256(e)).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(("vitals-audit-v1" + ENCODED_FIELDS).getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anotherKeyOrNoKeyGivesAnotherHash() {
        AuditEntry e = entry("bob", "x");
        assertThat(AuditHash.of(e, KEY)).isNotEqualTo(AuditHash.of(e, "another key of 32 characters....".getBytes(
                StandardCharsets.UTF_8))).isNotEqualTo(AuditHash.legacySha256(e));
    }

    @Test
    void movingTextAcrossAFieldBoundaryChangesTheHash() {
        assertThat(AuditHash.of(entry("ab", "c"), KEY)).isNotEqualTo(AuditHash.of(entry("a", "bc"), KEY));
    }

    @Test
    void nullAndEmptyHashDifferently() {
        assertThat(AuditHash.of(entry(null, "x"), KEY)).isNotEqualTo(AuditHash.of(entry("", "x"), KEY));
    }

    @Test
    void timesAreWrittenWithSixFractionalDigitsAlways() {
        assertThat(AuditHash.at(Instant.parse("2026-11-01T08:00:00Z"))).isEqualTo("2026-11-01T08:00:00.000000Z");
        assertThat(AuditHash.at(AT)).isEqualTo("2026-11-01T08:00:00.123456Z");
    }

    @Test
    void refusesATimeFinerThanPostgresqlKeeps() {
        assertThatThrownBy(() -> AuditHash.at(Instant.parse("2026-11-01T08:00:00.123456789Z")))
                .hasMessageContaining("microsecond");
        assertThat(AuditHash.micros(Instant.parse("2026-11-01T08:00:00.123456789Z"))).isEqualTo(AT);
    }

    @Test
    void cleanKeepsOnlyTextPostgresqlGivesBackUnchanged() {
        assertThat(AuditLog.clean("a\0b\uDC00c✅")).isEqualTo("a\uFFFDb\uFFFDc✅");
        assertThat(AuditLog.clean("✅".repeat(AuditLog.MAX_FIELD + 5)))
                .isEqualTo("✅".repeat(AuditLog.MAX_FIELD) + "…");
        assertThat(AuditLog.clean(null)).isNull();
    }

    private static AuditEntry entry(String actor, String action) {
        return new AuditEntry(1, AT, actor, action, null, null, null, null, null, null, null, null);
    }
}
