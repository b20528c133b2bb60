package dev.vitals.audit;

import dev.vitals.chat.Attachment;
import dev.vitals.chat.Caller;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandHandler;
import dev.vitals.chat.Message;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;

/** The chat commands of the audit log, one object per command. */
final class AuditCommands {
    /** Chat platforms cap file sizes (Discord: 10 MB); beyond this the export points to the HTTP API. */
    static final int MAX_ATTACHMENT = 8 * 1024 * 1024;

    private AuditCommands() {
    }

    @Component
    static class Verify implements CommandHandler<Command.AuditVerify> {
        private final AuditAnchoring anchoring;

        Verify(AuditAnchoring anchoring) {
            this.anchoring = anchoring;
        }

        @Override
        public Class<Command.AuditVerify> type() {
            return Command.AuditVerify.class;
        }

        @Override
        public Reply handle(Command.AuditVerify command, Caller caller, Origin origin) {
            return Reply.text(AuditAnchoring.summary(anchoring.verifyAndAnchor()));
        }
    }

    @Component
    static class Export implements CommandHandler<Command.AuditExport> {
        private final AuditLog audit;
        private final Clock clock;

        Export(AuditLog audit, Clock clock) {
            this.audit = audit;
            this.clock = clock;
        }

        @Override
        public Class<Command.AuditExport> type() {
            return Command.AuditExport.class;
        }

        @Override
        public Reply handle(Command.AuditExport command, Caller caller, Origin origin) {
            Instant since = command.since().orElse(null);
            String service = command.service().orElse(null);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            Writer out = new OutputStreamWriter(bytes, StandardCharsets.UTF_8);
            AuditCsv csv = new AuditCsv(out);
            csv.header();
            boolean[] full = {false};
            long entries = audit.forEach(since, service, e -> {
                flush(out);
                if (bytes.size() >= MAX_ATTACHMENT) {
                    full[0] = true;
                    return false;
                }
                csv.entry(e);
                return true;
            });
            flush(out);
            String name = AuditController.fileName(clock.instant(), "csv");
            String text = "Audit export: " + entries + " entr" + (entries == 1 ? "y" : "ies") + " since "
                    + (since == null ? "the first entry" : AuditHash.at(AuditHash.micros(since)))
                    + ", " + (service == null ? "all services" : "service " + service) + ". CSV attached: " + name
                    + " (" + kilobytes(bytes.size()) + ")."
                    + (full[0] ? " The file stops there to fit chat; GET /api/audit/export gives the whole log." : "");
            // The whole trail is for the auditor who asked, not for everyone in the channel.
            return Reply.inPrivate(new Message(text, List.of(),
                    List.of(new Attachment(name, "text/csv; charset=utf-8", bytes.toByteArray()))));
        }

        private static void flush(Writer out) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String kilobytes(int size) {
            return size < 1024 ? size + " bytes" : String.format(Locale.ROOT, "%.1f KB", size / 1024.0);
        }
    }
}
