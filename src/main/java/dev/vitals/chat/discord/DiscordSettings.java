package dev.vitals.chat.discord;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How Vitals reaches Discord. {@code token} (DISCORD_TOKEN) and {@code guild} (VITALS_DISCORD_GUILD)
 * turn Discord on; {@code apiUrl} and {@code gatewayUrl} point at Discord unless a team runs a REST
 * rate-limit proxy (or a test its fake). {@code roles}: catalog role → Discord role ids or names, in
 * addition to the catalog's own {@code roles:} mapping. {@code channels}: catalog channel name → Discord
 * channel id or name (unset: the Discord channel of the same name). {@code threadMessages} (default on):
 * read what people write in threads, for incident timelines; it needs the privileged "Message Content
 * Intent" switched on for the bot, and off Vitals connects without it.
 */
@ConfigurationProperties("vitals.discord")
record DiscordSettings(String token, String guild, URI apiUrl, URI gatewayUrl, Map<String, List<String>> roles,
                       Map<String, String> channels, Boolean threadMessages) {
    static final URI DISCORD_API = URI.create("https://discord.com/api/v10/");

    DiscordSettings {
        roles = roles == null ? Map.of() : Map.copyOf(roles);
        channels = channels == null ? Map.of() : Map.copyOf(channels);
        apiUrl = apiUrl == null ? DISCORD_API : withSlash(apiUrl);
        threadMessages = threadMessages == null ? Boolean.TRUE : threadMessages;
    }

    private static URI withSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? uri : URI.create(s + "/");
    }

    boolean customGateway() {
        return gatewayUrl != null && !gatewayUrl.toString().isBlank();
    }

    /** Never the token: a record's default toString would print it. */
    @Override
    public String toString() {
        return "DiscordSettings[guild=" + guild + ", apiUrl=" + apiUrl + ", gatewayUrl=" + gatewayUrl + ", roles="
                + roles + ", channels=" + channels + ", threadMessages=" + threadMessages + "]";
    }
}
