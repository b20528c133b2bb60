package dev.vitals.catalog;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A value read from the catalog file together with where it was found, so that every error can say
 * {@code vitals.yml: services.backend.health.interval: expected ...}.
 *
 * <p>The value is a {@code Map<String, Object>}, a {@code List<Object>}, a {@link Scalar} or null
 * (absent, or YAML's null). Scalars keep the text exactly as written, with the type YAML 1.2's core
 * schema gives it: {@code 0123}, {@code on} or {@code 2024-01-15} are only ever read as that text, and
 * a number or a boolean is one only where the catalog expects one.
 */
record YamlNode(Path file, String path, Object value) {

    /** A scalar as written: its text and what YAML 1.2's core schema reads it as. */
    record Scalar(String text, Type type) {
        enum Type { STRING, INTEGER, FLOAT, BOOLEAN, NULL }
    }

    /** The tree of a composed YAML document: mappings, sequences and {@link Scalar}s, or null for none. */
    static Object tree(Path file, Node node) {
        return tree(file, node, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static Object tree(Path file, Node node, Set<Node> open) {
        if (node instanceof ScalarNode s) {
            Scalar scalar = new Scalar(s.getValue(), type(s.getTag()));
            return scalar.type() == Scalar.Type.NULL ? null : scalar;
        }
        if (!open.add(node)) {
            throw new CatalogException(file + ": line " + line(node) + ": a recursive alias; write the value out");
        }
        try {
            if (node instanceof SequenceNode seq) {
                List<Object> out = new ArrayList<>();
                seq.getValue().forEach(item -> out.add(tree(file, item, open)));
                return Collections.unmodifiableList(out);
            }
            MappingNode map = (MappingNode) node;
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode key)) {
                    throw new CatalogException(file + ": line " + line(t.getKeyNode())
                            + ": a key must be a plain word, not a list or mapping");
                }
                if (out.containsKey(key.getValue())) {
                    throw new CatalogException(file + ": line " + line(key) + ": duplicate key '" + key.getValue()
                            + "'; each key may appear once in a mapping");
                }
                out.put(key.getValue(), tree(file, t.getValueNode(), open));
            }
            return Collections.unmodifiableMap(out);
        } finally {
            open.remove(node);
        }
    }

    private static Scalar.Type type(Tag tag) {
        if (Tag.INT.equals(tag)) {
            return Scalar.Type.INTEGER;
        }
        if (Tag.FLOAT.equals(tag)) {
            return Scalar.Type.FLOAT;
        }
        if (Tag.BOOL.equals(tag)) {
            return Scalar.Type.BOOLEAN;
        }
        return Tag.NULL.equals(tag) ? Scalar.Type.NULL : Scalar.Type.STRING;
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    CatalogException error(String expectation) {
        String where = path.isEmpty() ? "" : path + ": ";
        return new CatalogException(file + ": " + where + expectation);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean isMissing() {
        return value == null;
    }

    Map<String, YamlNode> map() {
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> raw)) {
            throw error("expected a mapping of keys to values, got " + describe());
        }
        Map<String, YamlNode> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(String.valueOf(k), new YamlNode(file, child(String.valueOf(k)), v)));
        return out;
    }

    /** The mapping, refusing keys outside {@code allowed} (typos are the commonest catalog mistake). */
    Map<String, YamlNode> map(Set<String> allowed) {
        Map<String, YamlNode> m = map();
        for (String key : m.keySet()) {
            if (!allowed.contains(key)) {
                throw new YamlNode(file, child(key), null)
                        .error("unknown key; expected one of " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
        return m;
    }

    YamlNode get(String key) {
        if (value instanceof Map<?, ?> raw) {
            return new YamlNode(file, child(key), raw.get(key));
        }
        if (value == null) {
            return new YamlNode(file, child(key), null);
        }
        throw error("expected a mapping, got " + describe());
    }

    List<YamlNode> list() {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> raw)) {
            throw error("expected a list, got " + describe());
        }
        List<YamlNode> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            out.add(new YamlNode(file, path + "[" + i + "]", raw.get(i)));
        }
        return out;
    }

    String string() {
        if (value == null) {
            throw error("is required");
        }
        if (value instanceof Map || value instanceof List) {
            throw error("expected a single value, got " + describe());
        }
        return value instanceof Scalar s ? s.text() : String.valueOf(value);
    }

    String string(String fallback) {
        return value == null ? fallback : string();
    }

    Optional<String> optionalString() {
        return value == null ? Optional.empty() : Optional.of(string());
    }

    String name(String what) {
        String s = string();
        if (!Names.isName(s)) {
            throw error("'" + s + "' is not a valid " + what + " name: " + Names.NAME_RULE);
        }
        return s;
    }

    int integer(int fallback, int min, int max) {
        if (value == null) {
            return fallback;
        }
        BigInteger n = value instanceof Scalar s && s.type() == Scalar.Type.INTEGER ? wholeNumber(s.text()) : null;
        if (n == null || n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error("expected a whole number from " + min + " to " + max + ", got " + describe());
        }
        return n.intValueExact();
    }

    /** YAML 1.2 core integers: decimal, {@code 0o17} octal, {@code 0x1F} hex. */
    private static BigInteger wholeNumber(String text) {
        String t = text.startsWith("+") ? text.substring(1) : text;
        if (t.startsWith("0o")) {
            return new BigInteger(t.substring(2), 8);
        }
        if (t.startsWith("0x")) {
            return new BigInteger(t.substring(2), 16);
        }
        return new BigInteger(t);
    }

    boolean bool(boolean fallback) {
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Scalar s) || s.type() != Scalar.Type.BOOLEAN) {
            throw error("expected true or false, got " + describe());
        }
        return Boolean.parseBoolean(s.text());
    }

    Duration duration(Duration fallback) {
        if (value == null) {
            return fallback;
        }
        return DurationText.parse(string())
                .orElseThrow(() -> error("expected " + DurationText.RULE + ", got " + describe()));
    }

    <T> T oneOf(String what, Function<String, Optional<T>> parse, String allowed, T fallback) {
        if (value == null) {
            return fallback;
        }
        return parse.apply(string()).orElseThrow(() -> error("expected " + what + " " + allowed + ", got " + describe()));
    }

    List<String> strings() {
        if (value instanceof Scalar s) {
            return List.of(s.text());
        }
        return list().stream().map(YamlNode::string).toList();
    }

    /**
     * A mapping of names to text, as written: {@code PIN: 0123} is "0123", {@code DEBUG: on} is "on",
     * {@code SINCE: 2024-01-15} is "2024-01-15" (see {@link #text()}).
     */
    Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        map().forEach((k, v) -> out.put(k, v.text()));
        return out;
    }

    /** A value meant as text, exactly as written; one YAML reads as none (empty, ~, null) is refused, not guessed. */
    String text() {
        if (isMissing()) {
            throw error("has no value (YAML reads an empty value, ~ and null as none); quote the text you mean,"
                    + " e.g. \"\" or \"null\"");
        }
        return string();
    }

    String describe() {
        if (value == null) {
            return "nothing";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        return "'" + (value instanceof Scalar s ? s.text() : value) + "'";
    }
}
