package dev.vitals.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.secrets.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretReferencesTest {
    @TempDir
    Path dir;

    private static final String CATALOG = """
            environments:
              staging: {network: vitals-staging}
            services:
              backend:
                image: vitals-demo/backend
                env: {DB_PASSWORD: "%s", MODE: plain}
                hooks:
                  migration:
                    command: [sh, -c, "migrate"]
                    env: {MIGRATION_PASSWORD: "%s"}
            users:
              alice: [deployer]
            policies:
              - {environment: staging, risk: [low, medium, high], approvals: {}}
            """;

    @Test
    void aReferenceToAnUnsetVariableIsRefusedAtLoadNamingFilePathAndWhatToSet() throws IOException {
        String missing = "VITALS_TEST_UNSET_" + UUID.randomUUID().toString().replace("-", "").toUpperCase();
        Path file = write(CATALOG.formatted("${" + missing + "}", "x"));

        assertThatThrownBy(() -> CatalogLoader.load(file)).isInstanceOf(CatalogException.class)
                .hasMessage(file + ": services.backend.env.DB_PASSWORD: ${" + missing + "} refers to the environment"
                        + " variable " + missing + ", which is not set: set " + missing + " in Vitals' environment, or"
                        + " refer to a file with ${file:/path/to/secret}");
    }

    @Test
    void aFileReferenceIsReadAtLoadAndItsValueIsRedactedFromThenOn() throws IOException {
        String secret = "file-secret-" + UUID.randomUUID();
        Files.writeString(dir.resolve("db-password"), secret + "\n");
        String hookSecret = "hook-secret-" + UUID.randomUUID();
        Path hookFile = Files.writeString(dir.resolve("hook-password"), hookSecret);

        Catalog c = CatalogLoader.load(write(CATALOG.formatted("${file:db-password}", "${file:" + hookFile + "}")));

        Catalog.Service backend = c.services().get("backend");
        assertThat(backend.env()).isEqualTo(Map.of("DB_PASSWORD", secret, "MODE", "plain"));
        assertThat(backend.hooks().migration().orElseThrow().env()).isEqualTo(Map.of("MIGRATION_PASSWORD", hookSecret));
        assertThat(Secrets.redact("got " + secret + " and " + hookSecret)).isEqualTo("got [redacted] and [redacted]");
    }

    @Test
    void aMissingFileIsRefusedNamingIt() throws IOException {
        Path file = write(CATALOG.formatted("x", "${file:/nonexistent/vitals/secret}"));

        assertThatThrownBy(() -> CatalogLoader.load(file)).isInstanceOf(CatalogException.class)
                .hasMessage(file + ": services.backend.hooks.migration.env.MIGRATION_PASSWORD:"
                        + " ${file:/nonexistent/vitals/secret} refers to /nonexistent/vitals/secret, which does not exist:"
                        + " create it with the secret, or correct the path");
    }

    @Test
    void referencesResolveInsideTextAndDoubledDollarsStayLiteral() {
        List<String> registered = new ArrayList<>();
        SecretReferences refs = new SecretReferences(Map.of("DB_USER", "vitals", "DB_PASS", "pa55word")::get,
                registered::add);

        String url = refs.resolved(node("postgres://${DB_USER}:${DB_PASS}@db/x?note=$${DB_PASS}"));

        assertThat(url).isEqualTo("postgres://vitals:pa55word@db/x?note=${DB_PASS}");
        assertThat(registered).containsExactly("vitals", "pa55word");
    }

    @Test
    void anUnknownKindOfReferenceOrATooShortValueIsRefused() {
        SecretReferences refs = new SecretReferences(Map.of("PIN", "123")::get, Secrets::register);

        assertThatThrownBy(() -> refs.resolved(node("${vault:db}"))).hasMessageContaining("${vault:db} is not a"
                + " reference Vitals knows: write ${NAME} for an environment variable");
        assertThatThrownBy(() -> refs.resolved(node("${PIN}"))).hasMessageContaining("the value of ${PIN} is too"
                + " short: a secret must be at least 4 characters long");
    }

    private YamlNode node(String value) {
        return new YamlNode(dir.resolve("vitals.yml"), "services.backend.env.X", value);
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("vitals.yml"), text);
    }
}
