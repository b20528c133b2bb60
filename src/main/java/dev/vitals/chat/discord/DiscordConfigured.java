package dev.vitals.chat.discord;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Discord is on when both a bot token and a guild are configured; otherwise the local console is the chat. */
class DiscordConfigured implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return configured(context.getEnvironment());
    }

    static boolean configured(Environment environment) {
        String token = environment.getProperty("vitals.discord.token", "");
        String guild = environment.getProperty("vitals.discord.guild", "");
        return !token.isBlank() && !guild.isBlank();
    }
}
