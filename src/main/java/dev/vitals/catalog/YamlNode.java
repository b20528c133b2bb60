package dev.vitals.catalog;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * A value read from the catalog file together with where it was found, so that every error can say
 * {@code vitals.yml: services.backend.health.interval: expected ...}.
 */
record YamlNode(Path file, String path, Object value) {

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
        return String.valueOf(value);
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
        if (!(value instanceof Integer i) || i < min || i > max) {
            throw error("expected a whole number from " + min + " to " + max + ", got " + describe());
        }
        return i;
    }

    boolean bool(boolean fallback) {
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw error("expected true or false, got " + describe());
        }
        return b;
    }

    Duration duration(Duration fallback) {
        if (value == null) {
            return fallback;
        }
        return DurationText.parse(String.valueOf(value))
                .orElseThrow(() -> error("expected " + DurationText.RULE + ", got " + describe()));
    }

    <T> T oneOf(String what, Function<String, Optional<T>> parse, String allowed, T fallback) {
        if (value == null) {
            return fallback;
        }
        return parse.apply(string()).orElseThrow(() -> error("expected " + what + " " + allowed + ", got " + describe()));
    }

    List<String> strings() {
        if (value instanceof String s) {
            return List.of(s);
        }
        return list().stream().map(YamlNode::string).toList();
    }

    Map<String, String> stringMap() {
        Map<String, String> out = new LinkedHashMap<>();
        map().forEach((k, v) -> out.put(k, v.string()));
        return out;
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
        return "'" + value + "'";
    }
}
