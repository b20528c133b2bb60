package dev.vitals.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vitals.ConsoleClient;
import dev.vitals.ConsoleClient.Msg;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/**
 * The audit log against the real application and its PostgreSQL. The database is shared with every
 * other test in this JVM, which keep appending in the background: each test finds its own entries by
 * a unique marker and compares counts with "at least".
 */
class AuditLogTest extends VitalsIntegrationTest {
    private static final Logger log = LoggerFactory.getLogger(AuditLogTest.class);

    @Autowired
    AuditLog audit;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    Clock clock;
    @Autowired
    AuditKey key;

    record Entry(long id, String at, String actor, String action, String channel, String service, String subject,
                 String before, String after, String detail, String prevHash, String hash) {
    }

    record Verify(boolean valid, long entries, Long firstBrokenAt) {
    }

    record AnchorView(String at, long entries, long headId, String head) {
    }

    record VerifyFull(boolean valid, long entries, Long firstBrokenAt, Long headId, String head, String problem,
                      AnchorView anchor) {
    }

    @Test
    void everyCommandAcceptedOrRefusedIsAudited() {
        // given a fresh environment and a marker no other test uses
        String env = TestCatalog.stagingEnvironment();
        String marker = marker();
        Instant start = now();

        // when alice runs a command, alice types one the grammar refuses, and dave one his roles refuse
        String accepted = "/status " + env;
        String badGrammar = "/deploy nosuch" + marker + " v1.4";
        String noRole = "/lock backend " + env + " freeze for " + marker;
        ask("alice", accepted, m -> m.text().contains(env));
        ask("alice", badGrammar, m -> m.text().contains("nosuch" + marker));
        ask("dave", noRole, m -> m.text().contains("dave may not use /lock"));

        // then each is an entry with who, where, what was typed and what came of it
        List<Entry> entries = await().atMost(Duration.ofSeconds(30)).until(() -> entriesSince(start),
                found -> found.stream().filter(e -> Objects.equals(e.detail(), accepted)
                        || Objects.equals(e.detail(), badGrammar) || Objects.equals(e.detail(), noRole)).count() == 3);
        Entry ok = only(entries, accepted);
        assertThat(ok.action()).isEqualTo("command.accepted");
        assertThat(ok.actor()).isEqualTo("alice");
        assertThat(ok.channel()).isEqualTo("deploys");
        assertThat(ok.after()).contains(env);
        Entry grammar = only(entries, badGrammar);
        assertThat(grammar.action()).isEqualTo("command.refused");
        assertThat(grammar.actor()).isEqualTo("alice");
        assertThat(grammar.after()).contains("Unknown service");
        Entry role = only(entries, noRole);
        assertThat(role.action()).isEqualTo("command.refused");
        assertThat(role.actor()).isEqualTo("dave");
        assertThat(role.service()).isEqualTo("backend");
        assertThat(role.after()).contains("dave may not use /lock").contains("devops-lead");
    }

    @Test
    void theApplicationRoleCannotUpdateDeleteOrTruncateAuditEntries() {
        // given an entry
        AuditEntry e = audit.append(draft(marker(), "original"));

        // when Vitals' own connection changes, removes or truncates entries (each in a transaction rolled back
        // regardless, so that a failure here could never wipe the log the other tests share)
        // then PostgreSQL refuses for lack of the privilege
        for (String sql : List.of("UPDATE audit SET detail = 'changed' WHERE id = " + e.id(),
                "DELETE FROM audit WHERE id = " + e.id(), "TRUNCATE audit")) {
            assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
                status.setRollbackOnly();
                jdbc.sql(sql).update();
            })).as(sql).isInstanceOf(DataAccessException.class)
                    .rootCause().hasMessageContaining("permission denied for table audit");
        }
        assertThat(jdbc.sql("SELECT current_user").query(String.class).single()).isEqualTo("vitals_app");
        assertThat(jdbc.sql("SELECT detail FROM audit WHERE id = ?").param(e.id()).query(String.class).single())
                .isEqualTo("original");
    }

    @Test
    void theOwnersUpdateAndDeleteOfAuditEntriesAreRefusedByTheTrigger() throws SQLException {
        // given an entry
        AuditEntry e = audit.append(draft(marker(), "original"));

        // when the owner of the table changes, removes or truncates entries without disabling the triggers
        // then the triggers refuse, saying why (each in a transaction that is rolled back regardless)
        try (Connection owner = owner()) {
            owner.setAutoCommit(false);
            for (String sql : List.of("UPDATE audit SET detail = 'changed' WHERE id = " + e.id(),
                    "DELETE FROM audit WHERE id = " + e.id(), "TRUNCATE audit")) {
                try (Statement st = owner.createStatement()) {
                    assertThatThrownBy(() -> st.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                            .hasMessageContaining("the audit log is append-only");
                } finally {
                    owner.rollback();
                }
            }
        }
        assertThat(jdbc.sql("SELECT detail FROM audit WHERE id = ?").param(e.id()).query(String.class).single())
                .isEqualTo("original");
    }

    @Test
    void tamperingWithOneRowAsTheDatabaseOwnerIsReportedAtExactlyThatEntry() {
        // given three entries in a chain that verifies
        String marker = marker();
        audit.append(draft(marker, "first"));
        AuditEntry target = audit.append(draft(marker, "second"));
        audit.append(draft(marker, "third"));
        assertThat(verify().valid()).isTrue();

        try {
            // when the database owner disables the trigger and rewrites one entry's detail
            asOwnerBypassingTheTrigger("UPDATE audit SET detail = 'nothing happened' WHERE id = " + target.id());

            // then verification reports the chain broken at exactly that entry, over HTTP and in chat
            Verify broken = verify();
            assertThat(broken.valid()).isFalse();
            assertThat(broken.firstBrokenAt()).isEqualTo(target.id());
            assertThat(broken.entries()).isGreaterThanOrEqualTo(3);
            String reply = ask("bob", "/audit verify", m -> m.text().startsWith("Audit log"));
            assertThat(reply).startsWith("Audit log BROKEN at entry #" + target.id() + ":")
                    .contains("changed after it was written");
            assertThat(jdbc.sql("SELECT detail FROM audit WHERE id = ?").param(target.id()).query(String.class).single())
                    .as("the owner really changed it").isEqualTo("nothing happened");
        } finally {
            // the database is shared with the other tests: put the row back exactly as it was
            asOwnerBypassingTheTrigger("UPDATE audit SET detail = 'second' WHERE id = " + target.id());
        }
        assertThat(verify()).extracting(Verify::valid, Verify::firstBrokenAt).containsExactly(true, null);
    }

    @Test
    void deletingTheNewestEntriesAsTheOwnerIsDetectedThroughTheAnchor() throws SQLException {
        // given entries, and the log frozen (the owner holds the append lock) and anchored by a verify
        String marker = marker();
        for (int i = 0; i < 3; i++) {
            audit.append(draft(marker, "entry " + i));
        }
        try (Connection owner = owner()) {
            freezeAppends(owner);
            List<AuditEntry> newest = newest(owner, 2);
            long anchoredHead = newest.getLast().id();
            VerifyFull anchored = verifyFull();
            assertThat(anchored.valid()).isTrue();
            assertThat(anchored.headId()).isEqualTo(anchoredHead);
            try {
                // when the owner disables the trigger and deletes the two newest entries
                asOwner(owner, "DELETE FROM audit WHERE id >= " + newest.getFirst().id(), 2);

                // then verification names the anchor and what is missing, over HTTP and in the audit channel
                VerifyFull broken = verifyFull();
                assertThat(broken.valid()).isFalse();
                assertThat(broken.firstBrokenAt()).isEqualTo(newest.getFirst().id());
                assertThat(broken.entries()).isEqualTo(anchored.entries() - 2);
                assertThat(broken.problem()).contains("the anchor of " + broken.anchor().at() + " recorded "
                        + anchored.entries() + " entries with head #" + anchoredHead)
                        .contains("entry #" + anchoredHead + " is missing").contains("2 anchored entries from #"
                        + newest.getFirst().id());
                assertThat(broken.anchor().headId()).isEqualTo(anchoredHead);
                console.awaitMessage("deploys", 0, m -> m.author().equals("vitals")
                        && m.text().startsWith("Audit log BROKEN at entry #" + newest.getFirst().id())
                        && m.text().contains("entry #" + anchoredHead + " is missing"));
            } finally {
                // the database is shared with the other tests: put the entries back exactly as they were
                for (AuditEntry e : newest) {
                    reinsert(owner, e);
                }
                owner.createStatement().execute("SELECT pg_advisory_unlock(" + AuditLog.APPEND_LOCK + ")");
            }
        }
        VerifyFull restored = verifyFull();
        assertThat(restored.valid()).isTrue();
        assertThat(restored.anchor().at()).isNotNull();
    }

    @Test
    void rehashingAChangedEntryWithPlainSha256DoesNotVerify() throws SQLException {
        // given entries, and the log frozen by the owner
        String marker = marker();
        AuditEntry target = audit.append(draft(marker, "first"));
        audit.append(draft(marker, "second"));
        try (Connection owner = owner()) {
            freezeAppends(owner);
            List<AuditEntry> originals = entriesFrom(owner, target.id());
            try {
                // when the owner changes an entry and recomputes the chain from there with the documented
                // encoding but without the key (plain SHA-256, as the log used to be)
                String previous = target.prevHash();
                for (AuditEntry e : originals) {
                    AuditEntry forged = new AuditEntry(e.id(), e.at(), e.actor(), e.action(), e.channel(), e.service(),
                            e.subject(), e.before(), e.after(), e.id() == target.id() ? "nothing happened" : e.detail(),
                            previous, null);
                    String hash = AuditHash.legacySha256(forged);
                    asOwner(owner, "UPDATE audit SET detail = " + quote(forged.detail()) + ", prev_hash = "
                            + quote(previous) + ", hash = " + quote(hash) + " WHERE id = " + e.id(), 1);
                    previous = hash;
                }

                // then the chain is broken at exactly that entry: only the key makes a hash that verifies
                VerifyFull broken = verifyFull();
                assertThat(broken.valid()).isFalse();
                assertThat(broken.firstBrokenAt()).isEqualTo(target.id());
                assertThat(broken.problem()).contains("rehashed without the audit key");
            } finally {
                for (AuditEntry e : originals) {
                    asOwner(owner, "UPDATE audit SET detail = " + quote(e.detail()) + ", prev_hash = "
                            + quote(e.prevHash()) + ", hash = " + quote(e.hash()) + " WHERE id = " + e.id(), 1);
                }
                owner.createStatement().execute("SELECT pg_advisory_unlock(" + AuditLog.APPEND_LOCK + ")");
            }
        }
        assertThat(verifyFull().valid()).isTrue();
    }

    @Test
    void thousandConcurrentAppendsLeaveAValidChain() throws Exception {
        // given the log as it is now
        String marker = marker();
        long before = audit.count();

        // when 16 threads append 1000 entries at once
        long started = System.nanoTime();
        List<Future<AuditEntry>> appends = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 1000; i++) {
                String n = Integer.toString(i);
                appends.add(threads.submit(() -> audit.append(draft(marker, n))));
            }
        }
        for (Future<AuditEntry> f : appends) {
            f.get();
        }
        Duration appending = Duration.ofNanos(System.nanoTime() - started);

        // then all 1000 are there, the chain did not fork, and it verifies from the first entry to the last
        assertThat(jdbc.sql("SELECT count(*) FROM audit WHERE subject = ?").param(marker).query(Long.class).single())
                .isEqualTo(1000);
        assertThat(audit.count()).isGreaterThanOrEqualTo(before + 1000);
        started = System.nanoTime();
        AuditLog.Verification v = audit.verify();
        Duration verifying = Duration.ofNanos(System.nanoTime() - started);
        assertThat(v.valid()).as("chain broken at %s: %s", v.firstBrokenAt(), v.problem()).isTrue();
        assertThat(v.entries()).isGreaterThanOrEqualTo(before + 1000);
        assertThat(verify().valid()).isTrue();
        log.info("MEASURED: 1000 appends from 16 threads took {} ms; verifying {} entries took {} ms ({} ms per 1000)",
                appending.toMillis(), v.entries(), verifying.toMillis(),
                String.format(java.util.Locale.ROOT, "%.1f", verifying.toNanos() / 1e6 / v.entries() * 1000));
    }

    @Test
    void exportGivesCsvWithAHeaderAndOneRowPerEntry() {
        // given entries for one service (one about the same deployment without naming the service), with
        // text that needs quoting, and an entry of another service
        String marker = marker();
        String service = "svc-" + marker;
        String deployment = "D-" + marker;
        audit.append(new AuditEntry.Draft("alice", "test.export", "deploys", service, deployment, null, "RUNNING",
                "plain"));
        audit.append(new AuditEntry.Draft("bob", "test.export", null, service, null, "", "x",
                "a, \"quoted\" word\r\nand a second line ✅"));
        audit.append(new AuditEntry.Draft("vitals", "test.export", null, null, deployment, "RUNNING", "SUCCEEDED",
                "same deployment"));
        audit.append(new AuditEntry.Draft("carol", "test.export", null, "other-" + marker, null, null, null, "other"));

        // when an auditor exports that service as CSV and as JSON
        ConsoleClient.Response csv = console.get("/api/audit/export?service=" + service + "&format=csv");
        ConsoleClient.Response json = console.get("/api/audit/export?service=" + service + "&format=json");

        // then the CSV has the header and one row per entry, quoted so that every value comes back exactly,
        // and each row's hash can be recomputed from the row alone
        assertThat(csv.status()).isEqualTo(200);
        List<List<String>> rows = parseCsv(csv.body());
        assertThat(String.join(",", rows.getFirst())).isEqualTo(AuditCsv.HEADER);
        List<List<String>> data = rows.subList(1, rows.size());
        assertThat(data).hasSize(3);
        assertThat(data).extracting(r -> r.get(9))
                .containsExactly("plain", "a, \"quoted\" word\r\nand a second line ✅", "same deployment");
        assertThat(data.get(1).get(7)).as("empty, not null").isEqualTo("");
        assertThat(data.get(0).get(7)).as("null").isNull();
        for (List<String> r : data) {
            AuditEntry e = new AuditEntry(Long.parseLong(r.get(0)), Instant.parse(r.get(1)), r.get(2), r.get(3), r.get(4),
                    r.get(5), r.get(6), r.get(7), r.get(8), r.get(9), r.get(10), r.get(11));
            assertThat(AuditHash.of(e, key.bytes())).isEqualTo(e.hash());
        }
        assertThat(json.status()).isEqualTo(200);
        List<Entry> asJson = console.read(json.body(), new TypeReference<>() { });
        assertThat(asJson).extracting(Entry::id).containsExactlyElementsOf(data.stream().map(r -> Long.parseLong(r.get(0))).toList());
        assertThat(console.get("/api/audit/export?format=xml").status()).isEqualTo(400);
    }

    @Test
    void auditVerifyCommandAnswersInChat() {
        // given a log with at least one entry
        audit.append(draft(marker(), "something happened"));

        // when a devops lead asks to verify it, and someone without the role does too
        String reply = ask("bob", "/audit verify", m -> m.text().startsWith("Audit log"));
        String refused = ask("dave", "/audit verify", m -> m.text().contains("dave may not use /audit"));

        // then the lead gets the count and an intact chain, and dave is told which role it needs
        assertThat(reply).matches("(?s)Audit log verified: \\d+ entries, head #\\d+ [0-9a-f]{64}, chain intact, .*");
        assertThat(refused).contains("compliance").contains("devops-lead");
    }

    @Test
    void auditExportCommandAttachesTheCsvInChat() {
        // given an entry about backend
        String marker = marker();
        Instant since = now();
        AuditEntry e = audit.append(new AuditEntry.Draft("alice", "test.export", "deploys", "backend", marker, null,
                null, "chat export " + marker));

        // when an admin asks for an export of backend since just before it
        String sinceText = AuditHash.at(since);
        Msg reply = answer("erin", "/audit export " + sinceText + " backend", m -> m.text().startsWith("Audit export"));

        // then the answer summarizes it and carries the CSV, which the console serves for download
        assertThat(reply.text()).contains("since " + sinceText).contains("service backend").contains("CSV attached");
        assertThat(reply.attachments()).hasSize(1);
        ConsoleClient.Attachment file = reply.attachments().getFirst();
        assertThat(file.name()).endsWith(".csv");
        assertThat(file.contentType()).startsWith("text/csv");
        ConsoleClient.Response download = console.get(file.url());
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).startsWith(AuditCsv.HEADER + "\r\n").contains("chat export " + marker)
                .contains(Long.toString(e.id()));
        assertThat(download.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize((int) file.size());
        assertThat(console.get(file.url().replace(".csv?", ".csv-missing?")).status()).isEqualTo(404);
    }

    @Test
    void auditExportIsRefusedToAViewerAndToADevopsLeadNamingTheAuditorRole() {
        String dave = ask("dave", "/audit export", m -> m.text().contains("dave may not use /audit export"));
        String bob = ask("bob", "/audit export", m -> m.text().contains("bob may not use /audit export"));

        assertThat(dave).contains("the role auditor (or admin)");
        assertThat(bob).contains("the role auditor (or admin)");
    }

    @Test
    void auditExportIsAnsweredToTheRequesterAloneWithItsFile() {
        // given an entry to export
        String marker = marker();
        audit.append(draft(marker, "private export"));

        // when erin (admin) asks for the export in the shared channel
        Msg reply = answer("erin", "/audit export", m -> m.text().startsWith("Audit export"));

        // then the answer is erin's alone: other readers of the channel never get it or its file
        assertThat(reply.visibleTo()).isEqualTo("erin");
        assertThat(console.channelSeenBy("erin", "deploys")).extracting(Msg::id).contains(reply.id());
        assertThat(console.channelSeenBy("dave", "deploys")).extracting(Msg::id).doesNotContain(reply.id());
        assertThat(console.channel("deploys")).extracting(Msg::id).doesNotContain(reply.id());
        String file = reply.attachments().getFirst().url();
        assertThat(file).endsWith("?user=erin");
        assertThat(console.get(file).body()).contains(marker).contains("private export");
        assertThat(console.get(file.replace("?user=erin", "?user=dave")).status()).isEqualTo(404);
        assertThat(console.get(file.replace("?user=erin", "")).status()).isEqualTo(404);
    }

    @Test
    void apiPagesEntriesSince() {
        // given an entry, and five more after a moment just past it
        String marker = marker();
        AuditEntry old = audit.append(draft(marker, "old"));
        Instant since = old.at().plusNanos(1000);
        List<Long> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(audit.append(draft(marker, "new " + i)).id());
        }

        // when an auditor pages through the entries since that moment, two at a time
        List<Entry> seen = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Entry> page = page("/api/audit?since=" + since + "&limit=2&after=" + after);
            assertThat(page).hasSizeLessThanOrEqualTo(2);
            if (page.isEmpty()) {
                break;
            }
            seen.addAll(page);
            after = page.getLast().id();
        }

        // then pages come in id order, start at that moment, and hold all five entries but not the old one
        assertThat(seen).extracting(Entry::id).isSorted();
        assertThat(seen).allSatisfy(e -> assertThat(Instant.parse(e.at())).isAfterOrEqualTo(since));
        assertThat(seen.stream().filter(e -> marker.equals(e.subject())).map(Entry::id).toList())
                .containsExactlyElementsOf(mine);
        assertThat(page("/api/audit")).hasSizeLessThanOrEqualTo(AuditController.DEFAULT_LIMIT);
        assertThat(page("/api/audit?limit=100000")).hasSizeLessThanOrEqualTo(AuditController.MAX_LIMIT);
        ConsoleClient.Response bad = console.get("/api/audit?since=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("2026-11-01T08:00:00Z");
    }

    @Test
    void startRecordsTheCatalogFileAndItsHash() throws Exception {
        // given the catalog this application started with
        String file = catalog.source().toAbsolutePath().toString();
        String hash = "sha256:" + AuditHash.sha256Hex(Files.readAllBytes(catalog.source()));

        // when it was ready, then the log names the file and the hash of its content
        List<Entry> loads = jdbc.sql("SELECT * FROM audit WHERE action = 'config.loaded' AND subject = ?")
                .param(file).query((rs, n) -> new Entry(rs.getLong("id"), null, rs.getString("actor"),
                        rs.getString("action"), null, null, rs.getString("subject"), rs.getString("before"),
                        rs.getString("after"), rs.getString("detail"), null, null)).list();
        assertThat(loads).isNotEmpty().allSatisfy(e -> {
            assertThat(e.after()).isEqualTo(hash);
            assertThat(e.actor()).isEqualTo("vitals");
            assertThat(e.detail()).contains("services");
        });
    }

    @Test
    void deploymentTransitionsAndStepsAreAudited() {
        // given a fresh staging environment, which needs no sign-off
        String env = TestCatalog.stagingEnvironment();

        // when alice deploys backend there and it runs to its end
        String reply = ask("alice", "/deploy backend v1.4 " + env,
                m -> m.text().startsWith("Deployment ") && m.text().contains(" → " + env));
        Matcher id = Pattern.compile("Deployment (\\S+):").matcher(reply);
        assertThat(id.find()).as(reply).isTrue();
        String deployment = id.group(1);
        List<Entry> entries = await().atMost(Duration.ofSeconds(120)).until(
                () -> jdbc.sql("SELECT * FROM audit WHERE subject = ? ORDER BY id").param(deployment)
                        .query((rs, n) -> new Entry(rs.getLong("id"), null, rs.getString("actor"), rs.getString("action"),
                                rs.getString("channel"), rs.getString("service"), rs.getString("subject"),
                                rs.getString("before"), rs.getString("after"), rs.getString("detail"), null, null))
                        .list(),
                found -> found.stream().anyMatch(e -> e.action().equals("deployment.status")
                        && List.of("SUCCEEDED", "FAILED", "ROLLED_BACK").contains(e.after())));

        // then every transition is there with before and after status, and the steps in between
        // (entries are appended after each commit by the audit listener, so they are chained by status, not by id)
        List<Entry> unordered = entries.stream().filter(e -> e.action().equals("deployment.status")).toList();
        List<Entry> statuses = new java.util.ArrayList<>();
        String before = null;
        for (int i = 0; i < unordered.size(); i++) {
            String from = before;
            Entry next = unordered.stream().filter(e -> java.util.Objects.equals(e.before(), from)).findFirst()
                    .orElseThrow(() -> new AssertionError("no audited transition from " + from + " in " + unordered));
            statuses.add(next);
            before = next.after();
        }
        assertThat(statuses.getFirst().before()).isNull();
        assertThat(statuses.getFirst().actor()).isEqualTo("alice");
        assertThat(statuses.getLast().after()).isEqualTo("SUCCEEDED");
        for (int i = 1; i < statuses.size(); i++) {
            assertThat(statuses.get(i).before()).isEqualTo(statuses.get(i - 1).after());
        }
        assertThat(entries).filteredOn(e -> e.action().equals("deployment.step")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.after()).isIn("SUCCEEDED", "SKIPPED"));
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.service()).isEqualTo("backend");
            assertThat(e.detail()).contains(env);
        });
    }

    @Test
    void awkwardTextIsStoredExactlyAsItWasHashed() {
        // given text PostgreSQL cannot store as it is, and text longer than an entry keeps
        String awkward = "nul\0 lone\uD800 surrogate ✅ " + "x".repeat(AuditLog.MAX_FIELD);

        // when it is appended
        AuditEntry e = audit.append(draft(marker(), awkward));

        // then what the database gives back hashes to the stored hash
        AuditEntry stored = jdbc.sql("SELECT * FROM audit WHERE id = ?").param(e.id())
                .query((rs, n) -> new AuditEntry(rs.getLong("id"), rs.getObject("at", java.time.OffsetDateTime.class)
                        .toInstant(), rs.getString("actor"), rs.getString("action"), rs.getString("channel"),
                        rs.getString("service"), rs.getString("subject"), rs.getString("before"), rs.getString("after"),
                        rs.getString("detail"), rs.getString("prev_hash"), rs.getString("hash"))).single();
        assertThat(stored).isEqualTo(e);
        assertThat(AuditHash.of(stored, key.bytes())).isEqualTo(stored.hash());
        assertThat(stored.detail()).startsWith("nul\uFFFD lone\uFFFD surrogate ✅ ").endsWith("…")
                .hasSize(AuditLog.MAX_FIELD + 1);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static AuditEntry.Draft draft(String subject, String detail) {
        return new AuditEntry.Draft("test", "test.entry", null, null, subject, null, null, detail);
    }

    private Instant now() {
        return AuditHash.micros(clock.instant());
    }

    /** Types a command in #deploys and waits for the bot's answer that matches (others may talk there too). */
    private String ask(String user, String text, java.util.function.Predicate<Msg> answer) {
        return answer(user, text, answer).text();
    }

    private Msg answer(String user, String text, java.util.function.Predicate<Msg> answer) {
        String id = console.say(user, "deploys", text);
        return console.awaitMessageSeenBy(user, "deploys", Long.parseLong(id),
                m -> m.author().equals("vitals") && answer.test(m));
    }

    private Verify verify() {
        ConsoleClient.Response r = console.get("/api/audit/verify");
        assertThat(r.status()).isEqualTo(200);
        return console.read(r.body(), new TypeReference<>() { });
    }

    private List<Entry> page(String path) {
        ConsoleClient.Response r = console.get(path);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return console.read(r.body(), new TypeReference<>() { });
    }

    private List<Entry> entriesSince(Instant since) {
        List<Entry> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Entry> page = page("/api/audit?since=" + since + "&limit=1000&after=" + after);
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
            after = page.getLast().id();
        }
    }

    private static Entry only(List<Entry> entries, String detail) {
        List<Entry> found = entries.stream().filter(e -> Objects.equals(e.detail(), detail)).toList();
        assertThat(found).as("entries for %s", detail).hasSize(1);
        return found.getFirst();
    }

    /**
     * A connection as the owner of the audit table (the role migrations run as), straight to the
     * embedded server Vitals started, found through Vitals' own connection.
     */
    private Connection owner() throws SQLException {
        int port = jdbc.sql("SELECT inet_server_port()").query(Integer.class).single();
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "vitals_owner", "");
    }

    /** As the owner, in one transaction with the append-only trigger disabled: what a rogue owner can do. */
    private void asOwnerBypassingTheTrigger(String sql) {
        try (Connection owner = owner()) {
            owner.setAutoCommit(false);
            try (Statement st = owner.createStatement()) {
                st.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_update_or_delete");
                assertThat(st.executeUpdate(sql)).isEqualTo(1);
                st.execute("ALTER TABLE audit ENABLE TRIGGER audit_no_update_or_delete");
            }
            owner.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Holds the append lock in the owner's session, so no entry is added while a test rewrites the log. */
    private static void freezeAppends(Connection owner) throws SQLException {
        owner.createStatement().execute("SELECT pg_advisory_lock(" + AuditLog.APPEND_LOCK + ")");
    }

    private static List<AuditEntry> newest(Connection owner, int n) throws SQLException {
        List<AuditEntry> all = entries(owner, "SELECT * FROM audit ORDER BY id DESC LIMIT " + n);
        return all.reversed();
    }

    private static List<AuditEntry> entriesFrom(Connection owner, long id) throws SQLException {
        return entries(owner, "SELECT * FROM audit WHERE id >= " + id + " ORDER BY id");
    }

    private static List<AuditEntry> entries(Connection owner, String sql) throws SQLException {
        List<AuditEntry> found = new ArrayList<>();
        try (Statement st = owner.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                found.add(new AuditEntry(rs.getLong("id"), rs.getObject("at", java.time.OffsetDateTime.class).toInstant(),
                        rs.getString("actor"), rs.getString("action"), rs.getString("channel"), rs.getString("service"),
                        rs.getString("subject"), rs.getString("before"), rs.getString("after"), rs.getString("detail"),
                        rs.getString("prev_hash"), rs.getString("hash")));
            }
        }
        return found;
    }

    /** As the owner, in one transaction with the append-only trigger disabled. */
    private static void asOwner(Connection owner, String sql, int rows) throws SQLException {
        owner.setAutoCommit(false);
        try (Statement st = owner.createStatement()) {
            st.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_update_or_delete");
            assertThat(st.executeUpdate(sql)).as(sql).isEqualTo(rows);
            st.execute("ALTER TABLE audit ENABLE TRIGGER audit_no_update_or_delete");
            owner.commit();
        } catch (SQLException | RuntimeException e) {
            owner.rollback();
            throw e;
        } finally {
            owner.setAutoCommit(true);
        }
    }

    private static void reinsert(Connection owner, AuditEntry e) throws SQLException {
        try (java.sql.PreparedStatement st = owner.prepareStatement("""
                INSERT INTO audit (id, at, actor, action, channel, service, subject, before, after, detail, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""")) {
            st.setLong(1, e.id());
            st.setObject(2, java.time.OffsetDateTime.ofInstant(e.at(), java.time.ZoneOffset.UTC));
            String[] text = {e.actor(), e.action(), e.channel(), e.service(), e.subject(), e.before(), e.after(),
                    e.detail(), e.prevHash(), e.hash()};
            for (int i = 0; i < text.length; i++) {
                st.setString(3 + i, text[i]);
            }
            st.executeUpdate();
        }
    }

    private static String quote(String value) {
        return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
    }

    private VerifyFull verifyFull() {
        ConsoleClient.Response r = console.get("/api/audit/verify");
        assertThat(r.status()).isEqualTo(200);
        return console.read(r.body(), new TypeReference<>() { });
    }

    /** RFC 4180, read strictly: a quoted empty field is "", an unquoted empty one is null. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
                i++;
                continue;
            }
            if (c == '"') {
                quoted = true;
                wasQuoted = true;
                i++;
            } else if (c == ',') {
                row.add(wasQuoted || !field.isEmpty() ? field.toString() : null);
                field.setLength(0);
                wasQuoted = false;
                i++;
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(wasQuoted || !field.isEmpty() ? field.toString() : null);
                rows.add(row);
                row = new ArrayList<>();
                field.setLength(0);
                wasQuoted = false;
                i += 2;
            } else {
                assertThat(c).as("bare CR or LF outside quotes at %d", i).isNotIn('\r', '\n');
                field.append(c);
                i++;
            }
        }
        assertThat(row).as("the last line ends with CRLF").isEmpty();
        return rows;
    }
}
