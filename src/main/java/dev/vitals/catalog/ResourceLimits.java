package dev.vitals.catalog;

import dev.vitals.catalog.Catalog.Resources;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code resources: {memory: 512m, cpus: 1.0, pids: 256}}: under {@code defaults} for every
 * service, under a service for that one. A key left out keeps the value it falls back to.
 */
final class ResourceLimits {
    static final long MIN_MEMORY = 6L * 1024 * 1024; // the least Docker accepts
    static final double MIN_CPUS = 0.01;
    static final double MAX_CPUS = 1024;
    static final int MAX_PIDS = 4_194_304;
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([bkmg])?", Pattern.CASE_INSENSITIVE);

    private ResourceLimits() {
    }

    static Resources read(YamlNode node, Resources fallback) {
        node.map(Set.of("memory", "cpus", "pids"));
        return new Resources(memory(node.get("memory"), fallback.memoryBytes()), cpus(node.get("cpus"), fallback.cpus()),
                node.get("pids").integer(fallback.pids(), 1, MAX_PIDS));
    }

    private static long memory(YamlNode node, long fallback) {
        if (node.isMissing()) {
            return fallback;
        }
        Matcher m = SIZE.matcher(node.string().strip());
        long bytes = -1;
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
                int shift = switch (unit) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
                bytes = n > (Long.MAX_VALUE >> shift) ? -1 : n << shift;
            } catch (NumberFormatException e) {
                bytes = -1;
            }
        }
        if (bytes < MIN_MEMORY) {
            throw node.error("expected a memory size such as 256m or 2g (a whole number with unit b, k, m or g;"
                    + " at least 6m), got " + node.describe());
        }
        return bytes;
    }

    private static double cpus(YamlNode node, double fallback) {
        if (node.isMissing()) {
            return fallback;
        }
        double cpus;
        try {
            cpus = new BigDecimal(node.string().strip()).doubleValue();
        } catch (NumberFormatException e) {
            cpus = -1;
        }
        if (!(cpus >= MIN_CPUS && cpus <= MAX_CPUS)) {
            throw node.error("expected a number of CPU cores from 0.01 to 1024 such as 0.5 or 2, got " + node.describe());
        }
        return cpus;
    }
}
