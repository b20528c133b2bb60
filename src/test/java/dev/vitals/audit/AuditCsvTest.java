package dev.vitals.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditCsvTest {

    @Test
    void quotesOnlyWhatRfc4180RequiresAndDoublesQuotes() {
        assertThat(AuditCsv.field("plain text")).isEqualTo("plain text");
        assertThat(AuditCsv.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(AuditCsv.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(AuditCsv.field("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(AuditCsv.field("cr\rhere")).isEqualTo("\"cr\rhere\"");
    }

    @Test
    void nullIsAnEmptyFieldAndEmptyTextIsTwoQuotes() {
        assertThat(AuditCsv.field(null)).isEmpty();
        assertThat(AuditCsv.field("")).isEqualTo("\"\"");
    }

    @Test
    void writesAHeaderAndOneCrlfLinePerEntry() {
        StringWriter out = new StringWriter();
        AuditCsv csv = new AuditCsv(out);
        csv.header();
        csv.entry(new AuditEntry(7, Instant.parse("2026-11-01T08:00:00Z"), "bob", "command.accepted", "deploys", null,
                null, null, "ok", "/status, please", null, "f".repeat(64)));
        assertThat(out.toString()).isEqualTo(AuditCsv.HEADER + "\r\n"
                + "7,2026-11-01T08:00:00.000000Z,bob,command.accepted,deploys,,,,ok,\"/status, please\",," + "f".repeat(64)
                + "\r\n");
    }
}
