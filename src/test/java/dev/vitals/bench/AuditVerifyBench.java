package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.core.type.TypeReference;

/**
 * Audit verification of a long chain: appends 1 000 000 entries to the audit log (written the way an
 * auditor recomputes them, by the documented hash of {@code dev.vitals.audit.AuditHash}, under the
 * audit log's append lock, by COPY) and times {@code GET /api/audit/verify}, which walks the whole chain
 * and must find it valid. A context and database of its own, closed after this class, so the other
 * benchmarks do not run beside a million entries.
 */
@Tag("bench")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class AuditVerifyBench extends VitalsIntegrationTest {
    private static final long APPEND_LOCK = 0x564954414c415544L;
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final int BATCH = 10_000;

    @Autowired
    DataSource dataSource;
    @Autowired
    org.springframework.core.env.Environment settings;

    @DynamicPropertySource
    static void ownHome(DynamicPropertyRegistry registry) {
        registry.add("vitals.test.home",
                () -> Path.of("target", "test-" + TestCatalog.RUN, "bench-audit").toAbsolutePath().toString());
    }

    @Test
    void verifiesAMillionEntryChain() throws Exception {
        int entries = Bench.size("audit.entries", 1_000_000, 50_000);
        int runs = Bench.n("audit-verify", 2, 1);
        Bench.Report report = new Bench.Report("audit-verify", "audit verification");
        byte[] key = key();
        long t0 = System.nanoTime();
        long appended = append(entries, key);
        double insertMs = Bench.ms(System.nanoTime() - t0);
        System.out.printf("appended %d audit entries in %.0f ms%n", appended, insertMs);
        List<Double> took = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            var r = console.get("/api/audit/verify");
            took.add(Bench.ms(System.nanoTime() - s));
            assertThat(r.status()).isEqualTo(200);
            Map<String, Object> v = console.read(r.body(), new TypeReference<Map<String, Object>>() { });
            assertThat(v.get("valid")).as(r.body()).isEqualTo(true);
            total = ((Number) v.get("entries")).longValue();
            assertThat(total).isGreaterThanOrEqualTo(entries);
            System.out.printf("verify %d: %d entries valid in %.0f ms%n", i, total, took.getLast());
        }
        Bench.Stats stats = Bench.Stats.of(took);
        report.put("entries", total).put("appendedEntries", appended).put("appendMs", insertMs).put("verifyMs", stats)
                .put("how", "GET /api/audit/verify (walks the chain in pages of 1000, recomputes every HMAC, checks"
                        + " every link and the latest anchor)");
        report.row("GET /api/audit/verify of " + String.format("%,d", total) + " entries", stats.text(" ms"), "≤ 10 s")
                .write();
    }

    /** The audit key, as Vitals reads it: VITALS_AUDIT_KEY, else VITALS_HOME/audit.key, stripped. */
    private byte[] key() throws Exception {
        String fromSetting = settings.getProperty("vitals.audit.key", "");
        if (!fromSetting.isBlank()) {
            return fromSetting.strip().getBytes(StandardCharsets.UTF_8);
        }
        Path file = Path.of(settings.getRequiredProperty("vitals.data-dir")).resolve("audit.key");
        return Files.readString(file).strip().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code n} chained entries after the current head, in one transaction under the append lock. */
    private long append(int n, byte[] key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + APPEND_LOCK + ")");
                long lastId = 0;
                String prev = null;
                try (ResultSet rs = s.executeQuery("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")) {
                    if (rs.next()) {
                        lastId = rs.getLong(1);
                        prev = rs.getString(2);
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT last_value FROM audit_id_seq")) {
                    rs.next();
                    lastId = Math.max(lastId, rs.getLong(1));
                }
                Instant base = Instant.now().truncatedTo(ChronoUnit.MICROS);
                CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY audit (id, at, actor, action,"
                        + " channel, service, subject, before, after, detail, prev_hash, hash) FROM STDIN");
                StringBuilder rows = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    long id = lastId + i;
                    Instant at = base.plus(i, ChronoUnit.MICROS);
                    String[] f = {"bench", "deploy.requested", "deploys", "backend", "B-" + i, "v1.3", "v1.4",
                            "benchmark entry " + i};
                    mac.update("vitals-audit-v2".getBytes(StandardCharsets.US_ASCII));
                    field(mac, prev);
                    field(mac, Long.toString(id));
                    field(mac, AT.format(at));
                    for (String v : f) {
                        field(mac, v);
                    }
                    String hash = HexFormat.of().formatHex(mac.doFinal());
                    rows.append(id).append('\t').append(AT.format(at)).append('\t');
                    for (String v : f) {
                        rows.append(v).append('\t');
                    }
                    rows.append(prev == null ? "\\N" : prev).append('\t').append(hash).append('\n');
                    prev = hash;
                    if (i % BATCH == 0 || i == n) {
                        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
                        copy.writeToCopy(bytes, 0, bytes.length);
                        rows.setLength(0);
                    }
                }
                long copied = copy.endCopy();
                s.execute("SELECT setval('audit_id_seq', " + (lastId + n) + ")");
                c.commit();
                return copied;
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void field(Mac mac, String value) {
        if (value == null) {
            mac.update((byte) '~');
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        mac.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        mac.update(bytes);
    }
}
