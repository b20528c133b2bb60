package dev.vitals.chat;

import java.util.Set;
import dev.vitals.leadership.Leadership;
import dev.vitals.catalog.Catalog;
import dev.vitals.secrets.ErrorId;
import dev.vitals.secrets.Secrets;
import dev.vitals.database.DatabaseBusy;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionOperations;

/** Parses every line once, checks the caller's roles, and routes the typed command to its handler. */
@Component
@EnableConfigurationProperties(ChatProperties.class)
class ChatDispatcher implements ChatInbound {
    private static final Logger log = LoggerFactory.getLogger(ChatDispatcher.class);

    private final CommandParser parser;
    private final Vocabulary vocabulary;
    private final CommandAuthorizer authorizer;
    private final Map<Class<?>, CommandHandler<?>> handlers = new HashMap<>();
    private final List<ReactionListener> reactionListeners;
    private final List<ButtonListener> buttonListeners;
    private final ApplicationEventPublisher events;
    private final TransactionOperations tx;
    private final Clock clock;
    private final Leadership leadership;

    ChatDispatcher(Catalog catalog, CommandAuthorizer authorizer, List<CommandHandler<?>> handlers,
                   List<ReactionListener> reactionListeners, List<ButtonListener> buttonListeners,
                   ApplicationEventPublisher events, TransactionOperations tx, Clock clock,
                   ChatProperties properties, Leadership leadership) {
        this.tx = tx;
        this.leadership = leadership;
        this.parser = new CommandParser(clock, properties.zone());
        this.vocabulary = new Vocabulary(new TreeSet<>(catalog.services().keySet()),
                new TreeSet<>(catalog.environments().keySet()), new TreeSet<>(catalog.users().keySet()));
        this.authorizer = authorizer;
        for (CommandHandler<?> h : handlers) {
            this.handlers.put(h.type(), h);
        }
        this.reactionListeners = reactionListeners;
        this.buttonListeners = buttonListeners;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void command(Caller caller, Origin origin, String text, Consumer<Reply> replier) {
        Reply reply;
        boolean accepted = false;
        boolean onlyRead = false;
        switch (parser.parse(text, vocabulary)) {
            case ParseResult.Refused refused -> reply = Reply.refusal(refused.message());
            case ParseResult.Parsed parsed -> {
                Optional<String> refusal = authorizer.refusal(caller, parsed.command().kind());
                if (refusal.isPresent()) {
                    reply = Reply.refusal(refusal.get());
                } else {
                    Outcome outcome = run(parsed.command(), caller, origin);
                    reply = outcome.reply();
                    accepted = outcome.accepted();
                    onlyRead = READ_ONLY.contains(parsed.command().getClass());
                }
            }
        }
        CommandHandled handled = new CommandHandled(caller.name(), origin.channel(), origin.thread(), text, accepted,
                firstLine(reply.message().text()), clock.instant());
        if (onlyRead) {
            // A command that only reads changed nothing a reader must check: its answer goes first, its record after
            // (also when the answer could not be sent).
            boolean answered = false;
            try {
                replier.accept(reply);
                answered = true;
            } finally {
                if (!recorded(caller, handled) && answered) {
                    replier.accept(new Reply(Message.text("⚠️ Vitals could not record this command for its audit log"
                            + " (its database is not answering); the answer above stands."), reply.privately(), false));
                }
            }
            return;
        }
        if (!recorded(caller, handled)) {
            reply = new Reply(Message.text(reply.message().text() + "\n⚠️ Vitals could not record this command (its database"
                    + " is not answering); check the outcome before relying on it."), reply.privately(), reply.refused());
        }
        replier.accept(reply);
    }

    /** Stores that a command was handled, for the audit log's listener; false when the database did not take it. */
    private boolean recorded(Caller caller, CommandHandled handled) {
        try {
            // In a transaction, so the event publication registry stores it for the audit log's listener.
            tx.executeWithoutResult(t -> events.publishEvent(handled));
            return true;
        } catch (RuntimeException e) {
            log.error("Command by {} could not be recorded for the audit log ({})", caller.name(),
                    e.getClass().getSimpleName());
            return false;
        }
    }

    private record Outcome(Reply reply, boolean accepted) {
    }

    @SuppressWarnings("unchecked")
    private <C extends Command> Outcome run(C command, Caller caller, Origin origin) {
        CommandHandler<C> handler = (CommandHandler<C>) handlers.get(command.getClass());
        if (handler == null) {
            return new Outcome(Reply.refusal("/" + command.kind().name().toLowerCase() + " is not available in this"
                    + " version of Vitals yet."), false);
        }
        if (!READ_ONLY.contains(command.getClass()) && !leadership.isActive()) {
            return new Outcome(Reply.refusal(STANDBY_REPLY.formatted(command.kind().name().toLowerCase())), false);
        }
        try {
            return new Outcome(handler.handle(command, caller, origin), true);
        } catch (DataAccessResourceFailureException | TransientDataAccessResourceException
                 | CannotCreateTransactionException e) {
            if (DatabaseBusy.isPoolExhausted(e)) {
                log.warn("Command {} by {} not run: every database connection stayed busy", command.kind(),
                        caller.name());
                return new Outcome(Reply.refusal(DATABASE_BUSY), false);
            }
            log.warn("Command {} by {} not run: the database does not answer ({})", command.kind(), caller.name(),
                    e.getClass().getSimpleName());
            return new Outcome(Reply.refusal(DATABASE_DOWN), false);
        } catch (RuntimeException e) {
            // The person gets a plain answer with an error id; the exception stays in the log under that id.
            ErrorId id = ErrorId.logged(log, "Command " + command + " by " + caller.name() + " failed", e);
            return new Outcome(Reply.refusal(id.sentence()), false);
        }
    }

    static final String DATABASE_BUSY = "⏳ Vitals is too busy to take this right now, so nothing was done."
            + " Try again in a few seconds.";

    static final String DATABASE_DOWN = "⚠️ Vitals cannot reach its database right now, so nothing was done."
            + " Try again in a minute; deployments already running finish or end safely once it is back.";

    /** What a standby may answer: commands that only read. */
    private static final Set<Class<? extends Command>> READ_ONLY = Set.of(Command.Status.class, Command.Health.class,
            Command.History.class, Command.Help.class, Command.MaintenanceList.class, Command.AuditVerify.class,
            Command.AuditExport.class);

    static final String STANDBY_REPLY = "This Vitals process is the standby (read-only), so /%s was not run and"
            + " nothing changed. Another Vitals process on the same database is active and runs commands that change"
            + " state: send it there, or again in a few seconds if the active one just stopped (a standby takes over"
            + " within 10 s). /status, /history, /health, /help, /maintenance list and /audit work here.";

    /** Longer thread messages are cut: a timeline keeps what was said, not whole pastes. */
    static final int MAX_THREAD_MESSAGE = 1000;

    @Override
    public void threadMessage(Caller caller, ThreadRef thread, String text) {
        if (text == null || text.isBlank()) {
            return;
        }
        String kept = Secrets.redact(text.strip());
        if (kept.length() > MAX_THREAD_MESSAGE) {
            kept = kept.substring(0, MAX_THREAD_MESSAGE) + "…";
        }
        ThreadMessagePosted posted = new ThreadMessagePosted(caller.name(), thread, UserText.inert(kept),
                clock.instant());
        try {
            // In a transaction, so the event publication registry keeps it until its listeners have it.
            tx.executeWithoutResult(t -> events.publishEvent(posted));
        } catch (RuntimeException e) {
            log.warn("A message by {} in thread {} could not be recorded ({})", caller.name(), thread.id(),
                    e.getClass().getSimpleName());
        }
    }

    @Override
    public void reaction(Caller caller, MessageRef message, String emoji, boolean added) {
        if (!leadership.isActive()) {
            log.info("Reaction {} by {} ignored: this Vitals process is the standby", emoji, caller.name());
            return;
        }
        for (ReactionListener l : reactionListeners) {
            l.reacted(caller, message, emoji, added);
        }
    }

    @Override
    public void click(Caller caller, MessageRef message, String buttonId) {
        if (!leadership.isActive()) {
            log.info("Click on {} by {} ignored: this Vitals process is the standby", buttonId, caller.name());
            return;
        }
        for (ButtonListener l : buttonListeners) {
            l.clicked(caller, message, buttonId);
        }
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) : line;
    }
}
