package dev.vitals.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.CatalogLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.support.TransactionOperations;

/**
 * Every command is recorded for the audit log. One that only reads is answered first and recorded after (nothing
 * it did needs checking); one that changes state is recorded before its answer, which says so when the record
 * could not be stored.
 */
class CommandRecordTest {
    private final Catalog catalog = CatalogLoader.load(Path.of("deploy/demo/vitals.yml"));
    private final List<Reply> replies = new ArrayList<>();
    private final AtomicInteger repliesWhenRecorded = new AtomicInteger(-1);

    @Test
    void aReadOnlyCommandIsAnsweredBeforeItsRecordAndAWarningFollowsWhenTheRecordFails() {
        // given a database that does not take the command's record
        ChatDispatcher dispatcher = dispatcher(answering(Command.History.class, "backend: v1.4 since Monday"), failing());

        // when dave asks for a service's history
        dispatcher.command(new Caller("dave", Set.of("viewer")), new Origin("deploys", null), "/history backend",
                replies::add);

        // then the answer went out before the record was tried, and a warning followed it
        assertThat(repliesWhenRecorded.get()).isEqualTo(1);
        assertThat(replies).extracting(r -> r.message().text()).containsExactly("backend: v1.4 since Monday",
                "⚠️ Vitals could not record this command for its audit log (its database is not answering); the"
                        + " answer above stands.");
    }

    @Test
    void aReadOnlyCommandWhoseAnswerCannotBeSentIsRecordedAllTheSame() {
        // given a database that takes the record, and a chat that refuses the answer
        List<Object> recorded = new ArrayList<>();
        ChatDispatcher dispatcher = dispatcher(answering(Command.History.class, "backend: v1.4 since Monday"),
                recorded::add);

        // when dave asks for a service's history
        assertThatThrownBy(() -> dispatcher.command(new Caller("dave", Set.of("viewer")), new Origin("deploys", null),
                "/history backend", reply -> {
                    throw new IllegalStateException("chat refused the message");
                })).hasMessage("chat refused the message");

        // then his command is recorded for the audit log anyway
        assertThat(recorded).singleElement().isInstanceOfSatisfying(CommandHandled.class, h ->
                assertThat(h.text()).isEqualTo("/history backend"));
    }

    @Test
    void aCommandThatChangesStateIsRecordedBeforeItsAnswerWhichWarnsWhenTheRecordFails() {
        // given a database that does not take the command's record
        ChatDispatcher dispatcher = dispatcher(answering(Command.Unlock.class, "backend in staging is unlocked."),
                failing());

        // when alice unlocks a service
        dispatcher.command(new Caller("alice", Set.of("deployer")), new Origin("deploys", null),
                "/unlock backend staging", replies::add);

        // then the record was tried before any answer, and the one answer carries the warning
        assertThat(repliesWhenRecorded.get()).isZero();
        assertThat(replies).extracting(r -> r.message().text()).containsExactly("backend in staging is unlocked.\n"
                + "⚠️ Vitals could not record this command (its database is not answering); check the outcome before"
                + " relying on it.");
    }

    private ApplicationEventPublisher failing() {
        return event -> {
            repliesWhenRecorded.set(replies.size());
            throw new DataAccessResourceFailureException("the database does not answer");
        };
    }

    private static <C extends Command> CommandHandler<C> answering(Class<C> type, String answer) {
        return new CommandHandler<>() {
            public Class<C> type() {
                return type;
            }

            public Reply handle(C c, Caller caller, Origin origin) {
                return Reply.text(answer);
            }
        };
    }

    private ChatDispatcher dispatcher(CommandHandler<?> handler, ApplicationEventPublisher events) {
        return new ChatDispatcher(catalog, (caller, kind) -> Optional.empty(), List.of(handler), List.of(), List.of(),
                events, TransactionOperations.withoutTransaction(),
                Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC),
                new ChatProperties(ZoneId.of("UTC"), new ChatProperties.Chat(Duration.ofSeconds(2))), () -> true);
    }
}
