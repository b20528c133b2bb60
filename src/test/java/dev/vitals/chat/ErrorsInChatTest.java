package dev.vitals.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.CatalogLoader;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.transaction.support.TransactionOperations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.dao.DataIntegrityViolationException;

@ExtendWith(OutputCaptureExtension.class)
class ErrorsInChatTest {
    private static final Pattern ERROR_ID = Pattern.compile(
            "^Something went wrong \\(error (E-[0-9a-f]{6})\\); the details are in Vitals' log under that id\\.$");

    @Test
    void aFailingCommandAnswersWithAnErrorIdAndLogsTheStackTraceUnderIt(CapturedOutput log) {
        // given a handler that fails the way a database does
        Catalog catalog = CatalogLoader.load(Path.of("deploy/demo/vitals.yml"));
        CommandHandler<Command.History> failing = new CommandHandler<>() {
            public Class<Command.History> type() {
                return Command.History.class;
            }

            public Reply handle(Command.History c, Caller caller, Origin origin) {
                throw new DataIntegrityViolationException("PreparedStatementCallback; bad SQL",
                        new SQLException("ERROR: relation \"deployments\" does not exist"));
            }
        };
        ChatDispatcher dispatcher = new ChatDispatcher(catalog, (caller, kind) -> Optional.empty(), List.of(failing),
                List.of(), List.of(), event -> { }, TransactionOperations.withoutTransaction(), Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC),
                new ChatProperties(ZoneId.of("UTC"), new ChatProperties.Chat(Duration.ofSeconds(2))), () -> true);
        AtomicReference<Reply> reply = new AtomicReference<>();

        // when someone runs it
        dispatcher.command(new Caller("dave", Set.of("viewer")), new Origin("deploys", null), "/history backend",
                reply::set);

        // then chat gets a plain sentence with an id, and the log has that id with the stack trace
        String text = reply.get().message().text();
        Matcher m = ERROR_ID.matcher(text);
        assertThat(m.matches()).as(text).isTrue();
        assertThat(text).doesNotContain("SQL").doesNotContain("relation");
        String logged = log.getAll();
        assertThat(logged).contains("(error " + m.group(1) + ")")
                .contains("DataIntegrityViolationException: PreparedStatementCallback; bad SQL")
                .contains("at dev.vitals.chat.ChatDispatcher")
                .contains("Caused by: java.sql.SQLException: ERROR: relation \"deployments\" does not exist");
    }
}
