package dev.vitals.chat;

import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** {@code /help}: the commands the caller may use, and nothing they may not. */
@Component
class HelpCommand implements CommandHandler<Command.Help> {
    private final CommandAuthorizer authorizer;

    HelpCommand(CommandAuthorizer authorizer) {
        this.authorizer = authorizer;
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
        for (Command.Kind kind : Command.Kind.values()) {
            if (authorizer.refusal(caller, kind).isEmpty()) {
                lines.add(CommandParser.usage(kind));
            }
        }
        lines.add("Sign off on a deployment card by reacting ✅ (approve) or ❌ (reject).");
        return Reply.text(String.join("\n", lines));
    }
}
