package dev.vitals.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AuditHashTest {
    private static final Instant AT = Instant.parse("2026-11-01T08:00:00.123456Z");

    @Test
    void hashIsSha256OfTheDocumentedLengthPrefixedEncoding() throws Exception {
        // given an entry with nulls, an empty value and multi-byte text
        AuditEntry e = new AuditEntry(42, AT, "bob", "command.accepted", "deploys", null, "", null, "ok ✅", "/status",
                "ab".repeat(32), null);

        // when it is hashed
        String hash = AuditHash.of(e);

        // then it is exactly the encoding the documentation gives, so an auditor can recompute it
        String encoding = "vitals-audit-v1" + "64:" + "ab".repeat(32) + "2:42" + "27:2026-11-01T08:00:00.123456Z"
                + "3:bob" + "16:command.accepted" + "7:deploys" + "~" + "0:" + "~" + "6:ok ✅" + "7:/status";
        assertThat(hash).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(encoding.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void movingTextAcrossAFieldBoundaryChangesTheHash() {
        assertThat(AuditHash.of(entry("ab", "c"))).isNotEqualTo(AuditHash.of(entry("a", "bc")));
    }

    @Test
    void nullAndEmptyHashDifferently() {
        assertThat(AuditHash.of(entry(null, "x"))).isNotEqualTo(AuditHash.of(entry("", "x")));
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
