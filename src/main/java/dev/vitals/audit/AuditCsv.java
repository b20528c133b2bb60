package dev.vitals.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Audit entries as RFC 4180 CSV: a header, CRLF line ends, and a field quoted when it holds a comma,
 * quote, CR or LF (quotes doubled). Null is an empty field and the empty string is {@code ""}, so an
 * export keeps every value exactly and its hashes can be recomputed from it.
 *
 * <p>Values are not prefixed to defuse spreadsheet formulas, for the same reason: that would change
 * the evidence. Auditors should import the file as text rather than open it with formulas enabled.
 */
final class AuditCsv {
    static final String HEADER = "id,at,actor,action,channel,service,subject,before,after,detail,prev_hash,hash";

    private final Writer out;

    AuditCsv(Writer out) {
        this.out = out;
    }

    void header() {
        line(HEADER);
    }

    void entry(AuditEntry e) {
        line(String.join(",", Long.toString(e.id()), AuditHash.at(e.at()), field(e.actor()), field(e.action()),
                field(e.channel()), field(e.service()), field(e.subject()), field(e.before()), field(e.after()),
                field(e.detail()), field(e.prevHash()), field(e.hash())));
    }

    static String field(String value) {
        if (value == null) {
            return "";
        }
        if (value.isEmpty() || value.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n')) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    private void line(String text) {
        try {
            out.write(text);
            out.write("\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
