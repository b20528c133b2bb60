package dev.vitals.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** {@code /help}: the commands the caller may use, and nothing they may not. */
@Component
class HelpCommand implements CommandHandler<Command.Help> {
    private final CommandAuthorizer authorizer;
    // Looked up when /help runs: this handler is one of them.
    private final ObjectProvider<CommandHandler<?>> handlers;

    HelpCommand(CommandAuthorizer authorizer, ObjectProvider<CommandHandler<?>> handlers) {
        this.authorizer = authorizer;
        this.handlers = handlers;
    }

    @Override
    public Class<Command.Help> type() {
        return Command.Help.class;
    }

    @Override
    public Reply handle(Command.Help command, Caller caller, Origin origin) {
        List<String> lines = new ArrayList<>();
        lines.add("Commands you (" + caller.name() + ": " + String.join(", ", caller.roles().stream().sorted().toList())
                + ") may use:");
        Set<Class<?>> handled = handlers.stream().map(CommandHandler::type).collect(Collectors.toSet());
        for (Command.Kind kind : Command.Kind.values()) {
            // Only what this version can do, and only what the caller may do.
            // /maintenance list is in the /maintenance usage already for those who may open windows.
            boolean shownWithMaintenance = kind == Command.Kind.MAINTENANCE_LIST
                    && authorizer.refusal(caller, Command.Kind.MAINTENANCE).isEmpty();
            if (kind.types().stream().anyMatch(handled::contains) && authorizer.refusal(caller, kind).isEmpty()
                    && !shownWithMaintenance) {
                lines.add(CommandParser.usage(kind));
            }
        }
        lines.add("Sign off on a deployment card by reacting ✅ (approve) or ❌ (reject).");
        return Reply.text(String.join("\n", lines));
    }
}
