package dev.vitals.audit;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code GET /api/audit}: pages of entries; {@code /api/audit/verify}: the state of the chain;
 * {@code /api/audit/export}: everything since a time, optionally for one service, as CSV or JSON,
 * streamed so a long log never sits in memory.
 */
@RestController
@RequestMapping("/api/audit")
class AuditController {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final AuditLog audit;
    private final AuditAnchoring anchoring;
    private final ObjectMapper json;
    private final Clock clock;
    private final ZoneId zone;

    AuditController(AuditLog audit, AuditAnchoring anchoring, ObjectMapper json, Clock clock,
                    AuditProperties properties) {
        this.audit = audit;
        this.anchoring = anchoring;
        this.json = json;
        this.clock = clock;
        this.zone = properties.zone();
    }

    /** An entry as the API and the JSON export show it; {@code at} in the exact form that is hashed. */
    record EntryView(long id, String at, String actor, String action, String channel, String service,
                     String subject, String before, String after, String detail, String prevHash, String hash) {
        static EntryView of(AuditEntry e) {
            return new EntryView(e.id(), AuditHash.at(e.at()), e.actor(), e.action(), e.channel(), e.service(),
                    e.subject(), e.before(), e.after(), e.detail(), e.prevHash(), e.hash());
        }
    }

    /** The contract's three fields, then the head, what is wrong, and the anchor it was compared with. */
    record VerifyView(boolean valid, long entries, Long firstBrokenAt, Long headId, String head, String problem,
                      AnchorView anchor) {
    }

    record AnchorView(String at, long entries, long headId, String head) {
    }

    record Problem(String error) {
    }

    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }

    /** Entries in id order; {@code after} (an id) continues exactly where the previous page ended. */
    @GetMapping
    List<EntryView> page(@RequestParam(required = false) String since,
                         @RequestParam(defaultValue = "0") long after,
                         @RequestParam(defaultValue = "" + DEFAULT_LIMIT) int limit) {
        return audit.page(since(since), after, Math.max(1, Math.min(limit, MAX_LIMIT))).stream()
                .map(EntryView::of).toList();
    }

    @GetMapping("/verify")
    VerifyView verify() {
        AuditLog.Verification v = anchoring.verifyAndAnchor();
        AuditAnchors.Anchor a = v.anchor();
        return new VerifyView(v.valid(), v.entries(), v.firstBrokenAt(), v.lastId(), v.lastHash(), v.problem(),
                a == null ? null : new AnchorView(AuditHash.at(a.at()), a.entries(), a.headId(), a.head()));
    }

    @GetMapping("/export")
    void export(@RequestParam(required = false) String since, @RequestParam(required = false) String service,
                @RequestParam(defaultValue = "csv") String format, HttpServletResponse response) throws IOException {
        Instant from = since(since);
        String kind = format.toLowerCase(Locale.ROOT);
        if (!kind.equals("csv") && !kind.equals("json")) {
            throw new BadRequest("format must be csv or json, got '" + format + "'");
        }
        String serviceFilter = service == null || service.isBlank() ? null : service;
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setContentType(kind.equals("csv") ? "text/csv; charset=utf-8; header=present"
                : "application/json; charset=utf-8");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                .filename(fileName(clock.instant(), kind)).build().toString());
        Writer out = response.getWriter();
        if (kind.equals("csv")) {
            AuditCsv csv = new AuditCsv(out);
            csv.header();
            audit.forEach(from, serviceFilter, e -> {
                csv.entry(e);
                return true;
            });
        } else {
            out.write("[");
            boolean[] first = {true};
            audit.forEach(from, serviceFilter, e -> {
                try {
                    out.write(first[0] ? "\n" : ",\n");
                    out.write(json.writeValueAsString(EntryView.of(e)));
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                first[0] = false;
                return true;
            });
            out.write("\n]\n");
        }
        out.flush();
    }

    static String fileName(Instant at, String extension) {
        return "vitals-audit-" + FILE_TIME.format(at) + "." + extension;
    }

    @ExceptionHandler(BadRequest.class)
    ResponseEntity<Problem> bad(BadRequest e) {
        return ResponseEntity.badRequest().body(new Problem(e.getMessage()));
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ResponseEntity<Problem> malformed(Exception e) {
        return ResponseEntity.badRequest().body(new Problem("malformed request: use since=<ISO instant such as "
                + "2026-11-01T08:00:00Z>, after=<entry id>, limit=<1.." + MAX_LIMIT + ">"));
    }

    /** An instant ({@code 2026-11-01T08:00:00Z}), a time with offset, or a date or local time in Vitals' zone. */
    private Instant since(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeException e) {
            // not an instant; try the friendlier forms
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            // not with an offset either
        }
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(zone).toInstant()
                    : LocalDateTime.parse(text).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new BadRequest("since '" + text + "' is not a time: use an ISO instant such as 2026-11-01T08:00:00Z"
                    + " (or 2026-11-01, the start of that day in " + zone.getId() + ")");
        }
    }
}
