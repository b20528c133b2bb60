package dev.vitals.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.catalog.DurationText;
import dev.vitals.catalog.Names;
import dev.vitals.catalog.Risk;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

class CommandParserPropertiesTest {

    static final Instant NOW = CommandParserTest.NOW;
    static final ZoneId ZONE = CommandParserTest.ZONE;
    static final Vocabulary VOCABULARY = CommandParserTest.VOCABULARY;

    final CommandParser parser = new CommandParser(Clock.fixed(NOW, ZONE), ZONE);

    @Property(tries = 3000)
    void neverThrowsForArbitraryText(@ForAll("anyText") String line) {
        // when
        ParseResult result = parser.parse(line, VOCABULARY);

        // then
        assertThat(result).isNotNull();
        if (result instanceof ParseResult.Refused refused) {
            assertThat(refused.message()).isNotBlank();
        }
    }

    @Property(tries = 200)
    void refusesEveryLineOverTheLimitAsTooLong(@ForAll("longLines") String line) {
        // when
        ParseResult result = parser.parse(line, VOCABULARY);

        // then
        assertThat(result).isInstanceOfSatisfying(ParseResult.Refused.class,
                r -> assertThat(r.message()).startsWith("Command too long: ").endsWith("at most 1000."));
    }

    @Property(tries = 5000)
    void neverThrowsForCommandShapedLines(@ForAll("commandShapedLines") String line) {
        // when
        ParseResult result = parser.parse(line, VOCABULARY);

        // then
        Statistics.collect(result instanceof ParseResult.Parsed ? "parsed" : "refused");
        Statistics.coverage(c -> {
            c.check("parsed").percentage(p -> p >= 25);
            c.check("refused").percentage(p -> p >= 25);
        });
        assertThat(result).isNotNull();
        if (result instanceof ParseResult.Refused refused) {
            assertThat(refused.message()).isNotBlank();
        }
    }

    @Property(tries = 3000)
    void anyAcceptedDeployNamesAKnownServiceAndAValidTag(@ForAll("deployShapedLines") String line) {
        // when
        ParseResult result = parser.parse(line, VOCABULARY);

        // then
        Statistics.collect(result instanceof ParseResult.Parsed ? "parsed" : "refused");
        Statistics.coverage(c -> c.check("parsed").percentage(p -> p >= 10));
        if (result instanceof ParseResult.Parsed(Command.Deploy deploy)) {
            assertThat(VOCABULARY.services()).contains(deploy.service());
            assertThat(Names.isTag(deploy.version())).as("tag %s", deploy.version()).isTrue();
            deploy.environment().ifPresent(e -> assertThat(VOCABULARY.environments()).contains(e));
            deploy.at().ifPresent(at -> assertThat(at).isAfterOrEqualTo(NOW));
        }
    }

    @Property(tries = 5000)
    void anyAcceptedCommandNamesOnlyKnownServicesEnvironmentsAndUsers(@ForAll("commandShapedLines") String line) {
        // when
        ParseResult result = parser.parse(line, VOCABULARY);

        // then
        Statistics.label("kind").collect(result instanceof ParseResult.Parsed(Command c) ? c.kind() : "refused");
        Statistics.label("kind").coverage(c -> {
            for (Command.Kind kind : Command.Kind.values()) {
                c.check(kind).count(n -> n > 0);
            }
        });
        if (result instanceof ParseResult.Parsed(Command command)) {
            assertThat(services(command)).allMatch(VOCABULARY.services()::contains);
            assertThat(environments(command)).allMatch(VOCABULARY.environments()::contains);
            assertThat(users(command)).allMatch(VOCABULARY.users()::contains);
            assertThat(freeTexts(command)).allSatisfy(text -> assertThat(text)
                    .isNotBlank()
                    .satisfies(t -> assertThat(t.codePointCount(0, t.length())).isLessThanOrEqualTo(300)));
        }
    }

    @Property(tries = 3000)
    void aLineWithAControlCharacterIsAlwaysRefused(@ForAll("commandShapedLines") String line,
                                                    @ForAll("invisibleOrControl") String control,
                                                    @ForAll Random random) {
        // given
        String base = line == null ? "" : line;
        int at = random.nextInt(base.length() + 1);
        String tainted = base.substring(0, at) + control + base.substring(at);

        // when
        ParseResult result = parser.parse(tainted, VOCABULARY);

        // then
        assertThat(result).isInstanceOfSatisfying(ParseResult.Refused.class,
                r -> assertThat(r.message()).contains("U+").contains("is not allowed"));
    }

    @Property(tries = 2000)
    void parsesGeneratedDeployLinesToTheSameValues(@ForAll("validDeploys") DeployCase deploy) {
        // when
        ParseResult result = parser.parse(deploy.line(), VOCABULARY);

        // then
        assertThat(result).as(deploy.line()).isEqualTo(new ParseResult.Parsed(deploy.expected()));
    }

    // ---- what commands name -------------------------------------------------------------------

    static Stream<String> services(Command command) {
        return switch (command) {
            case Command.Deploy d -> Stream.of(d.service());
            case Command.Rollback r -> Stream.of(r.service());
            case Command.Health h -> Stream.of(h.service());
            case Command.History h -> Stream.of(h.service());
            case Command.Lock l -> Stream.of(l.service());
            case Command.Unlock u -> Stream.of(u.service());
            case Command.MaintenanceStart m -> m.services().stream();
            case Command.MaintenanceSchedule m -> m.services().stream();
            case Command.IncidentOpen i -> i.service().stream();
            case Command.AuditExport a -> a.service().stream();
            default -> Stream.empty();
        };
    }

    static Stream<String> environments(Command command) {
        return switch (command) {
            case Command.Deploy d -> d.environment().stream();
            case Command.Rollback r -> r.environment().stream();
            case Command.Status s -> s.environment().stream();
            case Command.Health h -> h.environment().stream();
            case Command.History h -> h.environment().stream();
            case Command.Lock l -> Stream.of(l.environment());
            case Command.Unlock u -> Stream.of(u.environment());
            case Command.MaintenanceStart m -> m.environment().stream();
            case Command.MaintenanceSchedule m -> m.environment().stream();
            default -> Stream.empty();
        };
    }

    static Stream<String> users(Command command) {
        return command instanceof Command.IncidentCommander c ? Stream.of(c.user()) : Stream.empty();
    }

    static Stream<String> freeTexts(Command command) {
        return switch (command) {
            case Command.Deploy d -> d.reason().stream();
            case Command.Rollback r -> r.reason().stream();
            case Command.Reject r -> r.reason().stream();
            case Command.Lock l -> Stream.of(l.reason());
            case Command.MaintenanceStart m -> Stream.of(m.reason());
            case Command.MaintenanceSchedule m -> Stream.of(m.reason());
            case Command.IncidentOpen i -> Stream.of(i.title());
            case Command.IncidentUpdate u -> Stream.of(u.text());
            case Command.IncidentResolve r -> Stream.of(r.summary());
            default -> Stream.empty();
        };
    }

    // ---- generators ---------------------------------------------------------------------------

    @Provide
    Arbitrary<String> anyText() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(1200),
                Arbitraries.strings().all().ofMaxLength(40).map(s -> "/" + s),
                Arbitraries.strings().all().ofMaxLength(80).map(s -> "/deploy " + s),
                Arbitraries.strings().all().ofMaxLength(80).map(s -> "/lock backend production " + s))
                .injectNull(0.01);
    }

    @Provide
    Arbitrary<String> longLines() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1001).ofMaxLength(100_000)
                .map(s -> "/lock backend production " + s);
    }

    @Provide
    Arbitrary<String> invisibleOrControl() {
        List<String> bmp = IntStream.rangeClosed(0, 0xFFFF)
                .filter(cp -> switch (Character.getType(cp)) {
                    case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR,
                         Character.PARAGRAPH_SEPARATOR -> true;
                    default -> false;
                })
                .mapToObj(Character::toString)
                .toList();
        List<String> all = new ArrayList<>(bmp);
        all.addAll(List.of(Character.toString(0xE0001), Character.toString(0x1D173), Character.toString(0xE007F)));
        return Arbitraries.of(all);
    }

    /**
     * Lines near the grammar: well-formed commands whose slots are now and then filled with wrong
     * words, the same with one word inserted, dropped or replaced, and loose soups of command words,
     * so that both acceptance and every kind of refusal are reached often.
     */
    @Provide
    Arbitrary<String> commandShapedLines() {
        return Arbitraries.frequencyOf(
                        Tuple.of(3, templates()),
                        Tuple.of(1, mutated(templates())),
                        Tuple.of(1, wordSoup()))
                .injectNull(0.01);
    }

    private static Arbitrary<String> templates() {
        Arbitrary<String> service = mostly(Arbitraries.of(VOCABULARY.services()));
        Arbitrary<String> env = mostly(Arbitraries.of(VOCABULARY.environments()));
        Arbitrary<String> maybeEnv = Arbitraries.oneOf(env, env.map(e -> "env:" + e), Arbitraries.just(""));
        Arbitrary<String> tag = mostly(tags());
        Arbitrary<String> text = mostly(Arbitraries.oneOf(prose(), printableText().map(CommandParserPropertiesTest::quoted)));
        Arbitrary<String> maybeReason = Arbitraries.oneOf(Arbitraries.just(""),
                mostly(printableText()).map(t -> "reason:" + quoted(t)));
        Arbitrary<String> deployment = mostly(Arbitraries.integers().between(1, 99_999).map(n -> "D-" + n));
        Arbitrary<String> window = mostly(Arbitraries.integers().between(1, 999).map(n -> "m-" + n));
        Arbitrary<String> duration = mostly(Arbitraries.of("30m", "1h", "2h30m", "7d", "90s", "6d23h"));
        Arbitrary<String> time = mostly(Arbitraries.of("02:00", "23:59", "+30m", "+1d", "2026-11-22T02:00",
                "2026-12-01T08:00:00Z", "2026-12-01T08:00:00+05:30"));
        Arbitrary<String> since = mostly(Arbitraries.of("2026-11-01", "2026-11-01T08:00:00Z", "2026-11-01T08:00"));
        Arbitrary<String> severity = mostly(Arbitraries.of("P0", "P1", "P2", "p3"));
        Arbitrary<String> user = mostly(Arbitraries.of("alice", "@bob"));
        Arbitrary<String> risk = Arbitraries.of("", "risk:low", "risk:high", "risk:Medium");
        Arbitrary<String> maybeServices = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.of(VOCABULARY.services()).list().ofMinSize(1).ofMaxSize(3)
                        .map(l -> "services:" + String.join(",", l)));
        Arbitrary<String> maybeEnvOption = Arbitraries.oneOf(Arbitraries.just(""), env.map(e -> "env:" + e));
        return Arbitraries.oneOf(List.of(
                Combinators.combine(service, tag, maybeEnv, risk, maybeReason,
                                Arbitraries.oneOf(Arbitraries.just(""), time.map(t -> "at:" + t)))
                        .as((a, b, c, d, e, f) -> line("/deploy", a, b, c, d, e, f)),
                Combinators.combine(service, maybeEnv, Arbitraries.oneOf(Arbitraries.just(""), tag.map(t -> "to:" + t)),
                        maybeReason).as((a, b, c, d) -> line("/rollback", a, b, c, d)),
                deployment.map(d -> line("/approve", d)),
                Combinators.combine(deployment, Arbitraries.oneOf(Arbitraries.just(""), text))
                        .as((d, t) -> line("/reject", d, t)),
                deployment.map(d -> line("/cancel", d)),
                maybeEnv.map(e -> line("/status", e)),
                Combinators.combine(Arbitraries.of("/health", "/history"), service, maybeEnv).as(CommandParserPropertiesTest::line),
                Combinators.combine(service, env, text).as((a, b, c) -> line("/lock", a, b, c)),
                Combinators.combine(service, env).as((a, b) -> line("/unlock", a, b)),
                Combinators.combine(duration, text, maybeServices, maybeEnvOption)
                        .as((a, b, c, d) -> line("/maintenance start", a, b, c, d)),
                Combinators.combine(time, duration, text, maybeServices, maybeEnvOption)
                        .as((a, b, c, d, e) -> line("/maintenance schedule", a, b, c, d, e)),
                window.map(w -> line("/maintenance cancel", w)),
                Arbitraries.of("/maintenance end", "/maintenance list", "/incident ack", "/audit verify", "/help"),
                Combinators.combine(severity, text, Arbitraries.oneOf(Arbitraries.just(""), service.map(v -> "service:" + v)))
                        .as((a, b, c) -> line("/incident open", a, b, c)),
                text.map(t -> line("/incident update", t)),
                severity.map(v -> line("/incident severity", v)),
                user.map(u -> line("/incident commander", u)),
                text.map(t -> line("/incident resolve", t)),
                Combinators.combine(Arbitraries.oneOf(Arbitraries.just(""), since),
                        Arbitraries.oneOf(Arbitraries.just(""), service)).as((a, b) -> line("/audit export", a, b))));
    }

    private static Arbitrary<String> mutated(Arbitrary<String> lines) {
        Arbitrary<String> word = Arbitraries.oneOf(knownWords(), options(), Arbitraries.strings().all().ofMaxLength(8));
        return Combinators.combine(lines, word, Arbitraries.randoms()).as((line, w, random) -> {
            List<String> words = new ArrayList<>(List.of(line.split(" ")));
            int at = 1 + random.nextInt(words.size());
            switch (random.nextInt(4)) {
                case 0 -> words.add(at, w);
                case 1 -> words.remove(at - 1);
                case 2 -> words.set(at - 1, w);
                default -> words.set(0, words.getFirst().toUpperCase(Locale.ROOT));
            }
            return String.join(" ", words);
        });
    }

    private static Arbitrary<String> wordSoup() {
        Arbitrary<String> command = Arbitraries.of("/deploy", "/rollback", "/approve", "/reject", "/cancel",
                "/status", "/health", "/history", "/lock", "/unlock", "/maintenance", "/incident", "/audit",
                "/help", "/DEPLOY", "/Maintenance", "/frobnicate", "deploy", "/", "");
        Arbitrary<String> words = Arbitraries.frequencyOf(
                Tuple.of(6, knownWords()),
                Tuple.of(3, options()),
                Tuple.of(2, Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12)));
        return Combinators.combine(command, words.list().ofMaxSize(7))
                .as((c, ws) -> ws.isEmpty() ? c : c + " " + String.join(" ", ws));
    }

    /** The right kind of word most of the time, and now and then something else. */
    private static Arbitrary<String> mostly(Arbitrary<String> right) {
        return Arbitraries.frequencyOf(
                Tuple.of(14, right),
                Tuple.of(1, knownWords()),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(10)));
    }

    private static Arbitrary<String> prose() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(9)
                .list().ofMinSize(1).ofMaxSize(6).map(words -> String.join(" ", words));
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String line(String... parts) {
        return Stream.of(parts).filter(p -> !p.isEmpty()).collect(Collectors.joining(" "));
    }

    @Provide
    Arbitrary<String> deployShapedLines() {
        Arbitrary<String> service = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(VOCABULARY.services())),
                Tuple.of(1, knownWords()));
        Arbitrary<String> version = Arbitraries.frequencyOf(
                Tuple.of(6, tags()),
                Tuple.of(1, knownWords()),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(10)));
        Arbitrary<String> extra = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(VOCABULARY.environments())),
                Tuple.of(4, options()),
                Tuple.of(1, knownWords()));
        return Combinators.combine(service, version, extra.list().ofMaxSize(3))
                .as((s, v, ws) -> Stream.concat(Stream.of("/deploy", s, v), ws.stream())
                        .reduce((a, b) -> a + " " + b).orElseThrow());
    }

    @Provide
    Arbitrary<DeployCase> validDeploys() {
        Arbitrary<Optional<String>> environment = Arbitraries.of(VOCABULARY.environments()).optional(0.6);
        Arbitrary<Optional<Risk>> risk = Arbitraries.of(Risk.class).optional(0.5);
        Arbitrary<Optional<String>> reason = printableText().optional(0.5);
        Arbitrary<Optional<Long>> atOffset = Arbitraries.longs().between(0, Duration.ofDays(30).toSeconds()).optional(0.5);
        return Combinators.combine(Arbitraries.of(VOCABULARY.services()), tags(), environment, Arbitraries.of(true, false),
                        risk, reason, atOffset, Arbitraries.randoms())
                .as(CommandParserPropertiesTest::deployCase);
    }

    record DeployCase(String line, Command.Deploy expected) {
    }

    /** Writes one deploy the way a person might: options in any order, anywhere after the command. */
    static DeployCase deployCase(String service, String version, Optional<String> environment, boolean envAsOption,
                                 Optional<Risk> risk, Optional<String> reason, Optional<Long> atOffset,
                                 Random random) {
        List<String> positional = new ArrayList<>(List.of(service, version));
        List<String> options = new ArrayList<>();
        if (envAsOption) {
            environment.ifPresent(e -> options.add("env:" + e));
        } else {
            environment.ifPresent(positional::add);
        }
        risk.ifPresent(r -> options.add("risk:" + (random.nextBoolean() ? r.word() : r.word().toUpperCase(Locale.ROOT))));
        reason.ifPresent(r -> options.add("reason:" + quoted(r)));
        Optional<Instant> at = atOffset.map(s -> NOW.plusSeconds(s));
        at.ifPresent(instant -> options.add("at:" + timeText(instant, atOffset.get(), random)));
        List<String> words = new ArrayList<>(positional);
        for (String option : options) {
            words.add(random.nextInt(words.size() + 1), option);
        }
        String separator = random.nextBoolean() ? " " : "  ";
        String line = "/deploy" + separator + String.join(separator, words);
        return new DeployCase(line, new Command.Deploy(service, version, environment, risk, reason, at));
    }

    private static String timeText(Instant instant, long offsetSeconds, Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> instant.toString();
            case 1 -> LocalDateTime.ofInstant(instant, ZONE).toString();
            default -> offsetSeconds == 0 ? instant.toString() : "+" + DurationText.format(Duration.ofSeconds(offsetSeconds));
        };
    }

    private static Arbitrary<String> tags() {
        Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('A', 'Z').range('0', '9').with('_');
        Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars("_.-").ofMaxLength(127);
        return Combinators.combine(first, rest).as((f, r) -> f + r);
    }

    /** Printable text as people type it in a reason: any visible character, spaces inside only. */
    private static Arbitrary<String> printableText() {
        return Arbitraries.chars().all().filter(c -> printable(c))
                .list().ofMinSize(1).ofMaxSize(300)
                .map(chars -> chars.stream().map(String::valueOf).collect(Collectors.joining()))
                .filter(s -> !Character.isSpaceChar(s.charAt(0)) && !Character.isSpaceChar(s.charAt(s.length() - 1)));
    }

    private static boolean printable(char c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }

    private static Arbitrary<String> knownWords() {
        return Arbitraries.of(
                "backend", "frontend", "production", "staging", "nosuch", "Backend", "../etc/passwd", "a_b",
                "start", "schedule", "end", "list", "cancel", "open", "ack", "update", "severity", "commander",
                "resolve", "verify", "export", "P0", "P1", "p3", "P9", "@alice", "bob", "@mallory", "@",
                "D-1", "d-22", "D-", "M-3", "m-x", "30m", "7d", "8d", "0s", "1h30m", "999999d",
                "02:00", "23:59", "25:61", "+30m", "+0s", "+999999d999999d", "2026-11-22T02:00:00Z",
                "2026-11-22T02:00", "2026-11-01", "2020-01-01T00:00:00Z", "+999999999-12-31T23:59",
                "1.0", "v2.0.0-rc.1", "'v1;rm'", "$(id)", "-rf", ".x", "\"", "\"\"", "\\\"", "\\",
                "\"db migration\"", "\"unclosed", "\"a\"b", "https://x/y", "cause:", "Reason:", ":", "::");
    }

    private static Arbitrary<String> options() {
        Arbitrary<String> key = Arbitraries.of("env", "risk", "reason", "at", "to", "services", "service", "prio",
                "Env", "RISK");
        Arbitrary<String> value = Arbitraries.oneOf(knownWords(),
                Arbitraries.of("low", "medium", "high", "backend,frontend", "backend,,x", "", "\"\"",
                        "\"two words\"", "\"esc \\\" aped\"", "+1h", "2026-11-22T02:00"));
        return Combinators.combine(key, value).as((k, v) -> k + ":" + v);
    }
}
