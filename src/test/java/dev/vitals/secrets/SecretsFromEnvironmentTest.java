package dev.vitals.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class SecretsFromEnvironmentTest {

    @Test
    void theTokensTheDatabasePasswordAndVariablesNamedLikeSecretsAreRedactedFromTheStart() {
        String api = "api-" + UUID.randomUUID();
        String db = "db-" + UUID.randomUUID();
        String inUrl = "url-" + UUID.randomUUID();
        String guessed = "guessed-" + UUID.randomUUID();
        MockEnvironment env = new MockEnvironment().withProperty("vitals.api-token", api)
                .withProperty("spring.datasource.password", db)
                .withProperty("spring.datasource.url", "jdbc:postgresql://db/vitals?user=vitals&password=" + inUrl);

        SecretsFromEnvironment.register(env, Map.of("BACKUP_SECRET", guessed, "FEATURE_KEY", "true"));

        assertThat(Secrets.redact(api + " " + db + " " + inUrl + " " + guessed + " true"))
                .isEqualTo("[redacted] [redacted] [redacted] [redacted] true");
    }

    @Test
    void aConfiguredTokenTooShortToRedactStopsVitalsNamingIt() {
        MockEnvironment env = new MockEnvironment().withProperty("DISCORD_TOKEN", "abc");

        assertThatThrownBy(() -> SecretsFromEnvironment.register(env, Map.of()))
                .hasMessage("DISCORD_TOKEN is too short: a secret must be at least 4 characters long, so it can be"
                        + " redacted from what Vitals says");
    }
}
