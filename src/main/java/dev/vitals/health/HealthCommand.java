package dev.vitals.health;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.Caller;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandHandler;
import dev.vitals.chat.Message;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Reply;
import dev.vitals.chat.ThreadRef;
import org.springframework.stereotype.Component;

/**
 * {@code /health <service> [env]}: runs the checks now and posts the summary where it was asked, with one
 * line per check (each container's engine state, the smoke hook) in a thread of that message; the caller
 * alone is told where. Asked inside a thread (where no thread can open), or with no detail to show, the
 * answer is one reply.
 */
@Component
class HealthCommand implements CommandHandler<Command.Health> {
    private final HealthChecks checks;
    private final Catalog catalog;
    private final ChatPlatform chat;

    HealthCommand(HealthChecks checks, Catalog catalog, ChatPlatform chat) {
        this.checks = checks;
        this.catalog = catalog;
        this.chat = chat;
    }

    @Override
    public Class<Command.Health> type() {
        return Command.Health.class;
    }

    @Override
    public Reply handle(Command.Health c, Caller caller, Origin origin) {
        String env = c.environment().orElseGet(() -> catalog.defaultEnvironment().name());
        HealthChecks.Result r = checks.check(c.service(), env);
        String summary = (r.healthy() ? "💚 " : "🔴 ") + r.summary();
        String details = String.join("\n", r.details()) + (r.more().isEmpty() ? "" : "\n" + String.join("\n", r.more()));
        if (origin.thread() != null || r.details().isEmpty()) {
            return Reply.text(r.details().isEmpty() ? summary : summary + "\n" + details);
        }
        MessageRef card = chat.post(origin.channel(), Message.text(summary + " — details in the thread"));
        ThreadRef thread = chat.openThread(card, "health " + c.service() + " " + env);
        chat.postInThread(thread, Message.text(details));
        return Reply.inPrivate(Message.text("The health of " + c.service() + " in " + env
                + " is posted above; one line per check in its thread."));
    }
}
