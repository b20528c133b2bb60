package dev.vitals.catalog;

import dev.vitals.secrets.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the secret references of catalog values at load: {@code ${NAME}} is the environment
 * variable NAME, {@code ${file:/path}} the content of a file (one trailing newline dropped; a relative
 * path is relative to the catalog's directory), and {@code $${…}} a literal {@code ${…}}. Every
 * resolved value is registered with {@link Secrets}, so it is redacted wherever Vitals would show it.
 * A reference that cannot be resolved is a catalog error naming the file, the path and what to set.
 */
final class SecretReferences {
    private static final Pattern REFERENCE = Pattern.compile("\\$(\\$?)\\{([^}]*)}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    static final SecretReferences PROCESS = new SecretReferences(System::getenv, Secrets::register);

    private final Function<String, String> variables;
    private final Consumer<String> secrets;

    SecretReferences(Function<String, String> variables, Consumer<String> secrets) {
        this.variables = variables;
        this.secrets = secrets;
    }

    /** A mapping of names to values (a service's or hook's env), each value resolved. */
    Map<String, String> resolvedMap(YamlNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.map().forEach((key, value) -> out.put(key, resolved(value)));
        return out;
    }

    String resolved(YamlNode node) {
        String raw = node.string();
        Matcher m = REFERENCE.matcher(raw);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String reference = m.group(2);
            String value = m.group(1).isEmpty() ? value(node, reference) : "${" + reference + "}";
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String value(YamlNode node, String reference) {
        String value;
        if (reference.startsWith("file:")) {
            value = file(node, reference.substring("file:".length()).strip());
        } else if (VARIABLE.matcher(reference).matches()) {
            value = variables.apply(reference);
            if (value == null) {
                throw node.error("${" + reference + "} refers to the environment variable " + reference
                        + ", which is not set: set " + reference + " in Vitals' environment, or refer to a file"
                        + " with ${file:/path/to/secret}");
            }
        } else {
            throw node.error("${" + reference + "} is not a reference Vitals knows: write ${NAME} for an"
                    + " environment variable, ${file:/path} for a file, or $${…} for a literal ${…}");
        }
        try {
            secrets.accept(value);
        } catch (IllegalArgumentException e) {
            throw node.error("the value of ${" + reference + "} is too short: " + e.getMessage());
        }
        return value;
    }

    private static String file(YamlNode node, String path) {
        if (path.isEmpty()) {
            throw node.error("${file:} needs a path, e.g. ${file:/run/secrets/db-password}");
        }
        Path base = node.file().toAbsolutePath().getParent();
        Path file = base == null ? Path.of(path) : base.resolve(path);
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                    : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        } catch (NoSuchFileException e) {
            throw node.error("${file:" + path + "} refers to " + file + ", which does not exist: create it with"
                    + " the secret, or correct the path");
        } catch (IOException e) {
            throw node.error("${file:" + path + "} refers to " + file + ", which cannot be read ("
                    + e.getClass().getSimpleName() + "): make it readable by the user Vitals runs as");
        }
    }
}
