package dev.vitals.health;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.Caller;
import dev.vitals.chat.Command;
import dev.vitals.chat.CommandHandler;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Reply;
import org.springframework.stereotype.Component;

/** {@code /health <service> [env]}: runs the checks now and answers with the summary and one line per check. */
@Component
class HealthCommand implements CommandHandler<Command.Health> {
    private final HealthChecks checks;
    private final Catalog catalog;

    HealthCommand(HealthChecks checks, Catalog catalog) {
        this.checks = checks;
        this.catalog = catalog;
    }

    @Override
    public Class<Command.Health> type() {
        return Command.Health.class;
    }

    @Override
    public Reply handle(Command.Health c, Caller caller, Origin origin) {
        String env = c.environment().orElseGet(() -> catalog.defaultEnvironment().name());
        HealthChecks.Result r = checks.check(c.service(), env);
        StringBuilder b = new StringBuilder(r.healthy() ? "💚 " : "🔴 ").append(r.summary());
        r.details().forEach(d -> b.append("\n").append(d));
        return Reply.text(b.toString());
    }
}
