package dev.vitals.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The credentials HTTP access is decided by (the address Vitals listens on is Spring's {@code server.address}):
 * <ul>
 * <li>{@code vitals.api-token} ({@code VITALS_API_TOKEN}) and {@code vitals.webhook-secret}
 * ({@code VITALS_WEBHOOK_SECRET}): blank, the API answers loopback callers only;</li>
 * <li>{@code vitals.console-tokens} ({@code VITALS_CONSOLE_TOKENS}, {@code user:token,...}) and
 * {@code vitals.console-tokens-file} ({@code VITALS_CONSOLE_TOKENS_FILE}, one {@code user:token} a line);</li>
 * <li>{@code vitals.discord.token} ({@code DISCORD_TOKEN}) and {@code vitals.discord.guild}
 * ({@code VITALS_DISCORD_GUILD}): both set, Discord is the chat and an open console is off.</li>
 * </ul>
 */
@ConfigurationProperties("vitals")
record ApiProperties(String apiToken, String webhookSecret, String consoleTokens, String consoleTokensFile,
                     @DefaultValue Discord discord) {

    ApiProperties {
        apiToken = apiToken == null ? "" : apiToken;
        webhookSecret = webhookSecret == null ? "" : webhookSecret;
        consoleTokens = consoleTokens == null ? "" : consoleTokens;
        consoleTokensFile = consoleTokensFile == null ? "" : consoleTokensFile;
    }

    record Discord(String token, String guild) {
        Discord {
            token = token == null ? "" : token;
            guild = guild == null ? "" : guild;
        }

        boolean configured() {
            return !token.isBlank() && !guild.isBlank();
        }

        /** Never the token. */
        @Override
        public String toString() {
            return "Discord[token=" + (token.isBlank() ? "" : "(set)") + ", guild=" + guild + "]";
        }
    }

    /** Never a token or secret: a record's own toString would print them. */
    @Override
    public String toString() {
        return "ApiProperties[apiToken=" + (apiToken.isBlank() ? "" : "(set)") + ", webhookSecret="
                + (webhookSecret.isBlank() ? "" : "(set)") + ", consoleTokens=" + (consoleTokens.isBlank() ? "" : "(set)")
                + ", consoleTokensFile=" + consoleTokensFile + ", discord=" + discord + "]";
    }
}
