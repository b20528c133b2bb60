package dev.vitals.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every benchmark shares: its iteration counts (system properties), the machine's load, the
 * statistics it reports (medians, percentiles, ratios of medians with their spread) and the report it
 * writes: a table row on standard output, {@code target/bench/<name>.json}, and {@code target/bench/summary.md}
 * rebuilt from every JSON file there.
 */
final class Bench {
    static final Path DIR = Path.of("target", "bench");
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Bench() {
    }

    /** {@code -Dbench.quick=true}: a few iterations of everything, to check the suite itself works. */
    static boolean quick() {
        return Boolean.getBoolean("bench.quick");
    }

    /**
     * The iteration count of one benchmark: {@code -Dbench.<key>.n}, else {@code -Dbench.n} (every
     * benchmark), else the quick or the full default.
     */
    static int n(String key, int full, int quick) {
        String one = System.getProperty("bench." + key + ".n");
        String all = System.getProperty("bench.n");
        if (one != null && !one.isBlank()) {
            return Integer.parseInt(one.strip());
        }
        if (all != null && !all.isBlank()) {
            return Integer.parseInt(all.strip());
        }
        return quick() ? quick : full;
    }

    /** A size rather than an iteration count ({@code -Dbench.<key>}), which {@code -Dbench.n} leaves alone. */
    static int size(String key, int full, int quick) {
        String one = System.getProperty("bench." + key);
        return one != null && !one.isBlank() ? Integer.parseInt(one.strip()) : quick() ? quick : full;
    }

    /** The 1-, 5- and 15-minute load averages. */
    static double[] load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return new double[] {-1, -1, -1};
        }
    }

    /** Resident memory of a process in MB ({@code VmRSS} of /proc/<pid>/status), or -1. */
    static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Proportional set size of a process in MB ({@code Pss} of /proc/<pid>/smaps_rollup: shared pages split), or 0. */
    static double pssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        try {
            Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .ifPresent(l -> m.put("memoryGb", Math.round(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0)));
        } catch (IOException e) {
            // not on Linux: no memory figure
        }
        m.put("java", System.getProperty("java.version"));
        return m;
    }

    /** Percentiles by nearest rank, with min, max and mean. */
    record Stats(int n, double min, double p10, double p50, double p90, double p99, double max, double mean) {
        static Stats of(List<Double> values) {
            if (values.isEmpty()) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Stats(v.length, v[0], rank(v, 10), rank(v, 50), rank(v, 90), rank(v, 99), v[v.length - 1],
                    Arrays.stream(v).average().orElse(Double.NaN));
        }

        private static double rank(double[] sorted, double p) {
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        /** "p50 12.3 (p10 10.1 – p90 15.0, min 9.8 – max 20.1)" */
        String text(String unit) {
            return String.format(Locale.ROOT, "p50 %s%s (p10 %s – p90 %s, min %s – max %s, n=%d)", f(p50), unit, f(p10),
                    f(p90), f(min), f(max), n);
        }

        String percentiles(String unit) {
            return String.format(Locale.ROOT, "p50 %s%s, p99 %s%s (max %s%s, n=%d)", f(p50), unit, f(p99), unit, f(max),
                    unit, n);
        }
    }

    static String f(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** Ratio of medians of alternated pairs, with the spread of the ratios pair by pair. */
    record Ratio(double ofMedians, Stats perPair) {
        static Ratio of(List<Double> a, List<Double> b) {
            List<Double> pairs = new ArrayList<>();
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                pairs.add(a.get(i) / b.get(i));
            }
            return new Ratio(Stats.of(a).p50() / Stats.of(b).p50(), Stats.of(pairs));
        }

        String text() {
            return String.format(Locale.ROOT, "%.2f× (pair by pair: p10 %.2f× – p90 %.2f×, min %.2f× – max %.2f×)",
                    ofMedians, perPair.p10(), perPair.p90(), perPair.min(), perPair.max());
        }
    }

    /** One benchmark's report: rows for the table, and whatever details go to its JSON file. */
    static final class Report {
        private final String name;
        private final String title;
        private final Map<String, Object> json = new LinkedHashMap<>();
        private final List<Map<String, String>> rows = new ArrayList<>();

        Report(String name, String title) {
            this.name = name;
            this.title = title;
            json.put("benchmark", name);
            json.put("title", title);
            json.put("quick", quick());
            json.put("startedAt", Instant.now().toString());
            json.put("machine", machine());
            json.put("loadBefore", load());
        }

        Report put(String key, Object value) {
            json.put(key, value);
            return this;
        }

        /** A row of the summary table: what was measured, the figure, and the target (or "–"). */
        Report row(String what, String measured, String target) {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("what", what);
            r.put("measured", measured);
            r.put("target", target == null ? "–" : target);
            rows.add(r);
            System.out.printf("| %s | %s | %s | %s |%n", title, what, measured, r.get("target"));
            return this;
        }

        void write() {
            json.put("finishedAt", Instant.now().toString());
            json.put("loadAfter", load());
            json.put("rows", rows);
            try {
                Files.createDirectories(DIR);
                Files.writeString(DIR.resolve(name + ".json"), JSON.writeValueAsString(json));
                summarize();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Rebuilds target/bench/summary.md from every benchmark's JSON file. */
    static void summarize() throws IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path p : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                all.add(JSON.readValue(Files.readString(p), new TypeReference<Map<String, Object>>() { }));
            }
        }
        StringBuilder md = new StringBuilder("# Vitals benchmarks\n\n");
        md.append("Machine: ").append(machine()).append(". Load averages (1, 5, 15 min) before and after each benchmark"
                + " are in its JSON file and below.\n\n");
        md.append("| benchmark | what | measured | target | load before → after (1 min) | quick |\n|---|---|---|---|---|---|\n");
        for (Map<String, Object> b : all) {
            @SuppressWarnings("unchecked")
            List<Map<String, String>> rows = (List<Map<String, String>>) b.get("rows");
            String load = first(b.get("loadBefore")) + " → " + first(b.get("loadAfter"));
            for (Map<String, String> r : rows == null ? List.<Map<String, String>>of() : rows) {
                md.append("| ").append(b.get("title")).append(" | ").append(r.get("what")).append(" | ")
                        .append(r.get("measured")).append(" | ").append(r.get("target")).append(" | ").append(load)
                        .append(" | ").append(Boolean.TRUE.equals(b.get("quick")) ? "yes" : "no").append(" |\n");
            }
        }
        Files.writeString(DIR.resolve("summary.md"), md.toString());
    }

    private static String first(Object loads) {
        return loads instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.getFirst()) : "?";
    }

    static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }
}
