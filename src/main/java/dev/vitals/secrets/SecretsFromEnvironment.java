package dev.vitals.secrets;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Registers the secrets Vitals is configured with before any bean exists, so not even a start-up line
 * can show them: the API token, the Discord token, the webhook secret, the database password (given
 * on its own or inside the JDBC URL), and any environment variable named like a secret
 * ({@code *_TOKEN}, {@code *_SECRET}, {@code *_PASSWORD}, {@code *_KEY}, 8 characters or more). Listed in
 * {@code META-INF/spring.factories}.
 */
public class SecretsFromEnvironment implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {
    static final List<String> PROPERTIES = List.of("vitals.api-token", "VITALS_API_TOKEN", "DISCORD_TOKEN",
            "vitals.discord.token", "VITALS_WEBHOOK_SECRET", "vitals.webhook-secret", "spring.datasource.password",
            "VITALS_DATABASE_PASSWORD");
    static final int GUESSED_MIN_LENGTH = 8;
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Z0-9_]*_(TOKEN|SECRET|PASSWORD|KEY)");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?:[?&;]password=([^&;]*))|(?://[^:/@]*:([^@/]*)@)");

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        register(event.getEnvironment(), System.getenv());
    }

    static void register(ConfigurableEnvironment env, Map<String, String> variables) {
        for (String name : PROPERTIES) {
            String value = env.getProperty(name);
            if (value != null && !value.isBlank()) {
                try {
                    Secrets.register(value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(name + " is too short: " + e.getMessage());
                }
            }
        }
        variables.forEach((name, value) -> {
            // Only values long enough to be real secrets: a flag such as FEATURE_KEY=true must not shred text.
            if (SECRET_NAME.matcher(name).matches() && value != null && value.length() >= GUESSED_MIN_LENGTH) {
                Secrets.register(value);
            }
        });
        String url = env.getProperty("spring.datasource.url");
        if (url != null) {
            passwordsIn(url).forEach(Secrets::register);
        }
    }

    /** The passwords written into a JDBC URL, as {@code ?password=…} or {@code //user:password@}. */
    static List<String> passwordsIn(String url) {
        Matcher m = URL_PASSWORD.matcher(url);
        List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            String p = m.group(1) != null ? m.group(1) : m.group(2);
            if (p != null && p.length() >= Redactor.MIN_LENGTH) {
                found.add(p);
            }
        }
        return found;
    }
}
