package dev.vitals.chat;

import dev.vitals.catalog.DurationText;
import dev.vitals.catalog.Names;
import dev.vitals.catalog.Risk;
import dev.vitals.catalog.Severity;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one grammar of chat commands, for every surface. A line becomes a typed {@link Command} whose
 * names, versions, ids, durations and times are all checked, or a refusal that says what was wrong and
 * what would be right. {@link #parse} never throws, whatever it is given.
 *
 * <p>Words are separated by spaces; {@code "…"} is one word ({@code \"} and {@code \\} escape inside
 * it); {@code key:value} and {@code key:"…"} are options and may stand anywhere after the command (or
 * its subcommand). In the free text of commands such as {@code /lock} or {@code /incident update}, a
 * word like {@code cause:} or {@code https://…} stays text; only option keys of the grammar
 * ({@code env:}, {@code reason:}, ...) are taken as options there, so a misplaced one is refused
 * rather than silently becoming part of a reason.
 */
public final class CommandParser {

    public static final int MAX_LINE = 1000;
    public static final int MAX_TEXT = 300;
    public static final Duration MAX_WINDOW = Duration.ofDays(7);

    private static final Pattern OPTION = Pattern.compile("([A-Za-z][A-Za-z0-9_-]*):(.*)", Pattern.DOTALL);
    private static final Pattern OPTION_PREFIX = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*:");
    private static final Pattern DEPLOYMENT_ID = Pattern.compile("[Dd]-(\\d{1,18})");
    private static final Pattern WINDOW_ID = Pattern.compile("[Mm]-(\\d{1,18})");
    private static final Pattern INCIDENT_ID = Pattern.compile("[Ii]-(\\d{1,18})");
    private static final Pattern CLOCK_TIME = Pattern.compile("([01]?\\d|2[0-3]):([0-5]\\d)");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final int SHOWN = 40;

    /** Every option key the grammar knows; free text may not contain these unquoted, see the class doc. */
    private static final Set<String> GRAMMAR_KEYS = Set.of("env", "risk", "reason", "at", "to", "services", "service");

    private static final String DEPLOY =
            "/deploy <service> <version> [env] [risk:low|medium|high] [reason:\"…\"] [at:<time>]";
    private static final String ROLLBACK = "/rollback <service> [env] [to:<version>] [reason:\"…\"]";
    private static final String APPROVE = "/approve <deployment>";
    private static final String REJECT = "/reject <deployment> [reason]";
    private static final String CANCEL = "/cancel <deployment>";
    private static final String STATUS = "/status [env]";
    private static final String HEALTH = "/health <service> [env]";
    private static final String HISTORY = "/history <service> [env]";
    private static final String LOCK = "/lock <service> <env> <reason>";
    private static final String UNLOCK = "/unlock <service> <env>";
    private static final String MAINTENANCE_START =
            "/maintenance start <duration> <reason> [services:<service,…>] [env:<env>]";
    private static final String MAINTENANCE_SCHEDULE =
            "/maintenance schedule <start> <duration> <reason> [services:<service,…>] [env:<env>]";
    // After a quoted reason, services and environment may also be given as words: "…" backend,frontend production.
    private static final String MAINTENANCE_END = "/maintenance end [id]";
    private static final String MAINTENANCE_EXTEND = "/maintenance extend <id> <duration>";
    private static final String MAINTENANCE_LIST = "/maintenance list";
    private static final String MAINTENANCE_CANCEL = "/maintenance cancel <id>";
    private static final String MAINTENANCE_OTHERS =
            "/maintenance end [id] | extend <id> <duration> | list | cancel <id>";
    private static final String INCIDENT_OPEN =
            "/incident open <P0|P1|P2|P3> <title> [service:<service>] [env:<env>]";
    private static final String INCIDENT_ACK = "/incident ack [id:<I-n>]";
    private static final String INCIDENT_UPDATE = "/incident update <text> [id:<I-n>]";
    private static final String INCIDENT_SEVERITY = "/incident severity <P0|P1|P2|P3> [id:<I-n>]";
    private static final String INCIDENT_COMMANDER = "/incident commander <user> [id:<I-n>]";
    private static final String INCIDENT_RESOLVE = "/incident resolve <summary> [id:<I-n>]";
    private static final String INCIDENT_OTHERS =
            "/incident ack | update <text> | severity <P0|P1|P2|P3> | commander <user> | resolve <summary>"
                    + " (in the incident's thread, or with id:<I-n>)";
    private static final String AUDIT_VERIFY = "/audit verify";
    private static final String AUDIT_EXPORT = "/audit export [since] [service]";
    private static final String AUDIT = "/audit verify | export [since] [service]";
    private static final String HELP = "/help";

    private static final Map<String, Command.Kind> COMMANDS = commands();
    private static final Map<Command.Kind, String> USAGE = usages();

    private final Clock clock;
    private final ZoneId zone;

    public CommandParser(Clock clock, ZoneId zone) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.zone = Objects.requireNonNull(zone, "zone");
    }

    /** The usage line(s) of a family of commands, one form per line, as {@code /help} shows them. */
    public static String usage(Command.Kind kind) {
        return USAGE.get(kind);
    }

    /** Reads one chat line; {@code null}, huge or hostile input is refused, never thrown at the caller. */
    public ParseResult parse(String line, Vocabulary vocabulary) {
        try {
            return new ParseResult.Parsed(parseOrRefuse(line, vocabulary));
        } catch (Refusal refusal) {
            return new ParseResult.Refused(refusal.getMessage());
        }
    }

    private Command parseOrRefuse(String line, Vocabulary vocabulary) {
        if (line == null) {
            throw new Refusal("Empty command. Commands start with '/'; type /help to see them.");
        }
        rejectInjectionShapes(line);
        if (vocabulary == null) {
            throw new Refusal("Commands cannot be checked right now: no catalog is loaded.");
        }
        String trimmed = trimSpaces(line);
        if (trimmed.isEmpty()) {
            throw new Refusal("Empty command. Commands start with '/'; type /help to see them.");
        }
        int end = 0;
        while (end < trimmed.length() && !isSpace(trimmed.charAt(end))) {
            end++;
        }
        String word = trimmed.substring(0, end);
        if (!word.startsWith("/")) {
            String asCommand = word.toLowerCase(Locale.ROOT);
            if (COMMANDS.containsKey(asCommand)) {
                throw new Refusal("Commands start with '/': write /" + asCommand + " instead of " + shown(word) + ".");
            }
            throw new Refusal("Commands start with '/', for example /status or /help; type /help to see them all.");
        }
        Command.Kind kind = kindOf(word);
        Known names = new Known(vocabulary);
        List<Token> tokens = tokenize(trimmed.substring(end));
        return switch (kind) {
            case DEPLOY -> deploy(tokens, names);
            case ROLLBACK -> rollback(tokens, names);
            case APPROVE -> new Command.Approve(singleDeployment(tokens, APPROVE));
            case REJECT -> reject(tokens);
            case CANCEL -> new Command.Cancel(singleDeployment(tokens, CANCEL));
            case STATUS -> status(tokens, names);
            case HEALTH -> {
                Args a = Args.of(tokens, HEALTH, false, "env");
                a.atMost(2);
                yield new Command.Health(names.service(a.required(0, "<service>")), names.optionalEnvironment(a, 1));
            }
            case HISTORY -> {
                Args a = Args.of(tokens, HISTORY, false, "env");
                a.atMost(2);
                yield new Command.History(names.service(a.required(0, "<service>")), names.optionalEnvironment(a, 1));
            }
            case LOCK -> lock(tokens, names);
            case UNLOCK -> {
                Args a = Args.of(tokens, UNLOCK, false);
                a.atMost(2);
                String service = names.service(a.required(0, "<service>"));
                yield new Command.Unlock(service, names.environment(a.required(1, "<env>")));
            }
            case MAINTENANCE, MAINTENANCE_LIST -> maintenance(tokens, names);
            case INCIDENT -> incident(tokens, names);
            case AUDIT, AUDIT_EXPORT -> audit(tokens, names);
            case HELP -> {
                Args.of(tokens, HELP, false).atMost(0);
                yield new Command.Help();
            }
        };
    }

    private Command deploy(List<Token> tokens, Known names) {
        Args a = Args.of(tokens, DEPLOY, false, "env", "risk", "reason", "at");
        a.atMost(3);
        String service = names.service(a.required(0, "<service>"));
        String version = version(a.required(1, "<version>"));
        Optional<String> environment = names.optionalEnvironment(a, 2);
        Optional<Risk> risk = a.option("risk").map(CommandParser::risk);
        Optional<String> reason = a.option("reason").map(v -> text("Reason", v));
        Optional<Instant> at = a.option("at").map(v -> notInThePast(time(v), v));
        return new Command.Deploy(service, version, environment, risk, reason, at);
    }

    private Command rollback(List<Token> tokens, Known names) {
        Args a = Args.of(tokens, ROLLBACK, false, "env", "to", "reason");
        a.atMost(2);
        String service = names.service(a.required(0, "<service>"));
        Optional<String> environment = names.optionalEnvironment(a, 1);
        Optional<String> to = a.option("to").map(CommandParser::version);
        Optional<String> reason = a.option("reason").map(v -> text("Reason", v));
        return new Command.Rollback(service, environment, to, reason);
    }

    private static String singleDeployment(List<Token> tokens, String usage) {
        Args a = Args.of(tokens, usage, false);
        a.atMost(1);
        return deploymentId(a.required(0, "<deployment>"));
    }

    private static Command reject(List<Token> tokens) {
        Args a = Args.of(tokens, REJECT, true);
        String id = deploymentId(a.required(0, "<deployment>"));
        Optional<String> reason = a.size() > 1 ? Optional.of(text("Reason", a.textFrom(1))) : Optional.empty();
        return new Command.Reject(id, reason);
    }

    private static Command status(List<Token> tokens, Known names) {
        Args a = Args.of(tokens, STATUS, false, "env");
        a.atMost(1);
        return new Command.Status(names.optionalEnvironment(a, 0));
    }

    private static Command lock(List<Token> tokens, Known names) {
        Args a = Args.of(tokens, LOCK, true);
        String service = names.service(a.required(0, "<service>"));
        String environment = names.environment(a.required(1, "<env>"));
        a.required(2, "<reason>");
        return new Command.Lock(service, environment, text("Reason", a.textFrom(2)));
    }

    private Command maintenance(List<Token> tokens, Known names) {
        String usage = usage(Command.Kind.MAINTENANCE);
        String sub = subcommand(tokens, "/maintenance", usage);
        List<Token> rest = tokens.subList(1, tokens.size());
        switch (sub) {
            case "start" -> {
                Args a = Args.of(rest, MAINTENANCE_START, true, "services", "env");
                Duration duration = windowDuration(a.required(0, "<duration>"));
                a.required(1, "<reason>");
                Scope scope = scope(a, 1, names);
                String reason = text("Reason", scope.reason());
                return new Command.MaintenanceStart(duration, reason, scope.services(), scope.environment());
            }
            case "schedule" -> {
                Args a = Args.of(relativeStart(rest), MAINTENANCE_SCHEDULE, true, "services", "env");
                String startText = a.required(0, "<start>");
                Duration duration = windowDuration(a.required(1, "<duration>"));
                a.required(2, "<reason>");
                Instant start = notInThePast(time(startText), startText);
                Scope scope = scope(a, 2, names);
                String reason = text("Reason", scope.reason());
                return new Command.MaintenanceSchedule(start, duration, reason, scope.services(), scope.environment());
            }
            case "end" -> {
                Args a = Args.of(rest, MAINTENANCE_END, false);
                a.atMost(1);
                return new Command.MaintenanceEnd(a.size() == 0 ? Optional.empty() : Optional.of(windowId(a.value(0))));
            }
            case "extend" -> {
                Args a = Args.of(rest, MAINTENANCE_EXTEND, false);
                a.atMost(2);
                String id = windowId(a.required(0, "<id>"));
                return new Command.MaintenanceExtend(id, windowDuration(a.required(1, "<duration>")));
            }
            case "list" -> {
                Args.of(rest, MAINTENANCE_LIST, false).atMost(0);
                return new Command.MaintenanceList();
            }
            case "cancel" -> {
                Args a = Args.of(rest, MAINTENANCE_CANCEL, false);
                a.atMost(1);
                return new Command.MaintenanceCancel(windowId(a.required(0, "<id>")));
            }
            default -> throw unknownSubcommand("/maintenance", sub, usage);
        }
    }

    private static Command incident(List<Token> tokens, Known names) {
        String usage = usage(Command.Kind.INCIDENT);
        String sub = subcommand(tokens, "/incident", usage);
        List<Token> rest = tokens.subList(1, tokens.size());
        switch (sub) {
            case "open" -> {
                Args a = Args.of(rest, INCIDENT_OPEN, true, "service", "env");
                Severity severity = severity(a.required(0, "<P0|P1|P2|P3>"));
                a.required(1, "<title>");
                String title = text("Title", a.textFrom(1));
                return new Command.IncidentOpen(severity, title, a.option("service").map(names::service),
                        a.option("env").map(names::environment));
            }
            case "ack" -> {
                Args a = Args.of(rest, INCIDENT_ACK, false, "id");
                a.atMost(0);
                return new Command.IncidentAck(incidentId(a));
            }
            case "update" -> {
                Args a = Args.of(rest, INCIDENT_UPDATE, true, "id");
                a.required(0, "<text>");
                return new Command.IncidentUpdate(text("Update", a.textFrom(0)), incidentId(a));
            }
            case "severity" -> {
                Args a = Args.of(rest, INCIDENT_SEVERITY, false, "id");
                a.atMost(1);
                return new Command.IncidentSeverity(severity(a.required(0, "<P0|P1|P2|P3>")), incidentId(a));
            }
            case "commander" -> {
                Args a = Args.of(rest, INCIDENT_COMMANDER, false, "id");
                a.atMost(1);
                return new Command.IncidentCommander(names.user(a.required(0, "<user>")), incidentId(a));
            }
            case "resolve" -> {
                Args a = Args.of(rest, INCIDENT_RESOLVE, true, "id");
                a.required(0, "<summary>");
                return new Command.IncidentResolve(text("Summary", a.textFrom(0)), incidentId(a));
            }
            default -> throw unknownSubcommand("/incident", sub, usage);
        }
    }

    private Command audit(List<Token> tokens, Known names) {
        String sub = subcommand(tokens, "/audit", AUDIT);
        List<Token> rest = tokens.subList(1, tokens.size());
        switch (sub) {
            case "verify" -> {
                Args.of(rest, AUDIT_VERIFY, false).atMost(0);
                return new Command.AuditVerify();
            }
            case "export" -> {
                Args a = Args.of(rest, AUDIT_EXPORT, false);
                a.atMost(2);
                Optional<Instant> since = Optional.empty();
                int next = 0;
                // Service names start with a letter and every accepted time with a digit, so the first
                // character tells which of the two optional arguments a word is.
                if (a.size() > 0 && !a.value(0).isEmpty() && Character.isDigit(a.value(0).charAt(0))) {
                    since = Optional.of(since(a.value(0)));
                    next = 1;
                }
                a.atMost(next + 1);
                Optional<String> service = a.size() > next ? Optional.of(names.service(a.value(next))) : Optional.empty();
                return new Command.AuditExport(since, service);
            }
            default -> throw unknownSubcommand("/audit", sub, AUDIT);
        }
    }

    // ---- values ---------------------------------------------------------------------------------

    /** What a window covers: its reason, the services (empty = all) and the environment, if named. */
    private record Scope(String reason, List<String> services, Optional<String> environment) {
    }

    /**
     * After a quoted reason, {@code [services] [env]} may follow as words ({@code backend,frontend production},
     * {@code all staging}, or one of them: a lone word naming an environment is the environment); an
     * unquoted reason takes every remaining word, and then {@code services:} and {@code env:} say the rest.
     */
    private static Scope scope(Args a, int reasonAt, Known names) {
        int extra = a.size() - reasonAt - 1;
        if (extra <= 0 || !a.quoted(reasonAt)) {
            return new Scope(a.textFrom(reasonAt), names.services(a), names.environmentOption(a));
        }
        a.atMost(reasonAt + 3);
        String first = a.value(reasonAt + 1);
        boolean loneEnvironment = extra == 1 && names.environments().contains(first)
                && !names.services().contains(first);
        String servicesWord = loneEnvironment ? null : first;
        String envWord = loneEnvironment ? first : extra == 2 ? a.value(reasonAt + 2) : null;
        if (servicesWord != null && a.option("services").isPresent()) {
            throw new Refusal("Services given twice (" + shown(servicesWord) + " and services:" + shown(
                    a.option("services").get()) + "): give them once.");
        }
        if (envWord != null && a.option("env").isPresent()) {
            throw new Refusal("Environment given twice (" + shown(envWord) + " and env:" + shown(a.option("env").get())
                    + "): give it once.");
        }
        List<String> services = servicesWord == null ? names.services(a)
                : servicesWord.equalsIgnoreCase("all") ? List.of() : names.serviceList(servicesWord);
        Optional<String> environment = envWord == null ? names.environmentOption(a)
                : Optional.of(names.environment(envWord));
        return new Scope(a.value(reasonAt), services, environment);
    }

    /**
     * {@code tomorrow 02:00}, {@code today 14:30} and {@code in 2h} are two words as typed; they are read
     * as one start time.
     */
    private static List<Token> relativeStart(List<Token> rest) {
        if (rest.size() < 2 || rest.get(0).quoted()) {
            return rest;
        }
        String first = rest.get(0).text().toLowerCase(Locale.ROOT);
        if (!first.equals("tomorrow") && !first.equals("today") && !first.equals("in")) {
            return rest;
        }
        Token second = rest.get(1);
        List<Token> merged = new ArrayList<>();
        merged.add(new Token(first + " " + second.text(), rest.get(0).raw() + " " + second.raw(), true, false));
        merged.addAll(rest.subList(2, rest.size()));
        return merged;
    }

    private static String version(String text) {
        if (!Names.isTag(text)) {
            throw new Refusal("Version " + shown(text) + " is not valid: a version must be " + Names.TAG_RULE + ".");
        }
        return text;
    }

    private static String deploymentId(String text) {
        Matcher m = DEPLOYMENT_ID.matcher(text);
        if (!m.matches()) {
            throw new Refusal("Deployment " + shown(text) + " is not a deployment id: write it as D-<number>, e.g. D-12.");
        }
        return "D-" + m.group(1);
    }

    private static Optional<String> incidentId(Args a) {
        return a.option("id").map(text -> {
            Matcher m = INCIDENT_ID.matcher(text);
            if (!m.matches()) {
                throw new Refusal("Incident " + shown(text) + " is not an incident id: write it as I-<number>, e.g."
                        + " id:I-3 (GET /api/incidents?status=OPEN lists them).");
            }
            return "I-" + m.group(1);
        });
    }

    private static String windowId(String text) {
        Matcher m = WINDOW_ID.matcher(text);
        if (!m.matches()) {
            throw new Refusal("Window " + shown(text)
                    + " is not a maintenance window id: write it as M-<number>, e.g. M-3 (see /maintenance list).");
        }
        return "M-" + m.group(1);
    }

    private static Risk risk(String text) {
        return Risk.parse(text.toLowerCase(Locale.ROOT)).orElseThrow(() -> new Refusal(
                "Unknown risk " + shown(text) + ": use risk:low, risk:medium or risk:high."));
    }

    private static Severity severity(String text) {
        return Severity.parse(text).orElseThrow(() -> new Refusal(
                "Unknown severity " + shown(text) + ": use P0, P1, P2 or P3."));
    }

    private static Duration windowDuration(String text) {
        Duration d = DurationText.parse(text).orElseThrow(() -> new Refusal(
                "Duration " + shown(text) + " is not valid: use " + DurationText.RULE + "."));
        if (d.isZero()) {
            throw new Refusal("Duration " + shown(text) + " is zero: a maintenance window must last longer than 0s.");
        }
        if (d.compareTo(MAX_WINDOW) > 0) {
            throw new Refusal("Duration " + shown(text) + " is too long: a maintenance window lasts at most "
                    + DurationText.format(MAX_WINDOW) + ".");
        }
        return d;
    }

    /** Free text: quoted or not, it reaches chat and the audit log, so it is bounded. */
    private static String text(String what, String value) {
        String text = trimSpaces(value);
        if (text.isEmpty()) {
            throw new Refusal(what + " is empty: write a few words, or leave it out where it is optional.");
        }
        int length = text.codePointCount(0, text.length());
        if (length > MAX_TEXT) {
            throw new Refusal(what + " is too long: " + length + " characters, at most " + MAX_TEXT + ".");
        }
        return text;
    }

    private Instant time(String text) {
        Optional<Instant> parsed = parseTime(text);
        return parsed.orElseThrow(() -> new Refusal("Time " + shown(text) + " is not valid: use " + timeRule() + "."));
    }

    private Optional<Instant> parseTime(String text) {
        try {
            Instant now = clock.instant();
            if (text.startsWith("+")) {
                return DurationText.parse(text.substring(1)).filter(d -> !d.isZero()).map(now::plus);
            }
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.startsWith("in ")) {
                return DurationText.parse(lower.substring(3).strip()).filter(d -> !d.isZero()).map(now::plus);
            }
            if (lower.startsWith("tomorrow ") || lower.startsWith("today ")) {
                Matcher day = CLOCK_TIME.matcher(lower.substring(lower.indexOf(' ') + 1).strip());
                if (!day.matches()) {
                    return Optional.empty();
                }
                LocalDate date = LocalDate.ofInstant(now, zone).plusDays(lower.startsWith("tomorrow") ? 1 : 0);
                return Optional.of(ZonedDateTime.of(date, LocalTime.of(Integer.parseInt(day.group(1)),
                        Integer.parseInt(day.group(2))), zone).toInstant());
            }
            Matcher m = CLOCK_TIME.matcher(text);
            if (m.matches()) {
                LocalTime time = LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
                ZonedDateTime today = ZonedDateTime.of(LocalDate.ofInstant(now, zone), time, zone);
                ZonedDateTime next = today.toInstant().isBefore(now) ? today.plusDays(1) : today;
                return Optional.of(next.toInstant());
            }
            return absolute(text);
        } catch (DateTimeException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private Instant since(String text) {
        Optional<Instant> parsed;
        try {
            parsed = DATE.matcher(text).matches()
                    ? Optional.of(LocalDate.parse(text).atStartOfDay(zone).toInstant())
                    : absolute(text);
        } catch (DateTimeException | ArithmeticException e) {
            parsed = Optional.empty();
        }
        return parsed.orElseThrow(() -> new Refusal("Since " + shown(text) + " is not valid: use a date such as "
                + "2026-11-01 (start of that day, " + zone.getId() + "), 2026-11-01T08:00 (" + zone.getId()
                + ") or 2026-11-01T08:00:00Z."));
    }

    private Optional<Instant> absolute(String text) {
        for (Function<String, Instant> form : List.<Function<String, Instant>>of(
                Instant::parse,
                t -> OffsetDateTime.parse(t).toInstant(),
                t -> LocalDateTime.parse(t).atZone(zone).toInstant())) {
            try {
                return Optional.of(form.apply(text));
            } catch (DateTimeException e) {
                // not this form; the next one may read it
            }
        }
        return Optional.empty();
    }

    private Instant notInThePast(Instant instant, String text) {
        if (instant.isBefore(clock.instant())) {
            String resolved = instant.toString().equals(text) ? "" : " (" + instant + ")";
            throw new Refusal("Time " + shown(text) + resolved + " is in the past: give a later time, e.g. "
                    + "+30m or an HH:mm time.");
        }
        return instant;
    }

    private String timeRule() {
        return "2026-11-22T02:00:00Z, 2026-11-22T02:00 (" + zone.getId() + "), HH:mm such as 14:30 (the next 14:30 in "
                + zone.getId() + "), tomorrow 02:00, in 2h or +30m (from now, " + DurationText.RULE + ")";
    }

    // ---- names from the catalog -----------------------------------------------------------------

    /** Checks names against the catalog; a name must also satisfy the name grammar to be used at all. */
    private record Known(SortedSet<String> services, SortedSet<String> environments, SortedSet<String> users) {
        Known(Vocabulary v) {
            this(orEmpty(v.services()), orEmpty(v.environments()), orEmpty(v.users()));
        }

        private static SortedSet<String> orEmpty(SortedSet<String> set) {
            return set == null ? new TreeSet<>() : set;
        }

        String service(String text) {
            return known(text, services, "service", "services");
        }

        String environment(String text) {
            return known(text, environments, "environment", "environments");
        }

        String user(String text) {
            String name = text.startsWith("@") ? text.substring(1) : text;
            return known(name, users, "user", "users");
        }

        /** The environment written either as the positional word at {@code index} or as {@code env:}. */
        Optional<String> optionalEnvironment(Args a, int index) {
            Optional<String> positional = a.size() > index ? Optional.of(a.value(index)) : Optional.empty();
            Optional<String> option = a.option("env");
            if (positional.isPresent() && option.isPresent() && !positional.get().equals(option.get())) {
                throw new Refusal("Environment given twice (" + shown(positional.get()) + " and env:"
                        + shown(option.get()) + "): give it once.");
            }
            return positional.or(() -> option).map(this::environment);
        }

        Optional<String> environmentOption(Args a) {
            return a.option("env").map(this::environment);
        }

        List<String> services(Args a) {
            Optional<String> list = a.option("services");
            if (list.isEmpty()) {
                return List.of();
            }
            return serviceList(list.get());
        }

        /** {@code backend,frontend}: known services, each once, in the order given. */
        List<String> serviceList(String list) {
            Set<String> result = new LinkedHashSet<>();
            for (String part : list.split(",", -1)) {
                if (part.isBlank()) {
                    throw new Refusal("Services " + shown(list)
                            + " has an empty entry: separate names by single commas, e.g. services:"
                            + String.join(",", services.stream().limit(2).toList()) + ".");
                }
                result.add(service(trimSpaces(part)));
            }
            return List.copyOf(result);
        }

        private static String known(String text, SortedSet<String> known, String what, String plural) {
            String list = known.isEmpty() ? "none" : String.join(", ", known);
            if (!Names.isName(text)) {
                throw new Refusal(capitalized(what) + " " + shown(text) + " is not a valid name ("
                        + Names.NAME_RULE + "). Known " + plural + ": " + list + ".");
            }
            if (!known.contains(text)) {
                throw new Refusal("Unknown " + what + " " + shown(text) + ". Known " + plural + ": " + list + ".");
            }
            return text;
        }
    }

    // ---- words ----------------------------------------------------------------------------------

    /**
     * One word as typed. {@code text} is its value with quotes and escapes removed; {@code raw} is as
     * typed, used when several words are joined into free text; {@code valueQuoted} marks
     * {@code key:"…"}.
     */
    private record Token(String text, String raw, boolean quoted, boolean valueQuoted) {
    }

    /** The words after the command, split into positional words and options for one command form. */
    private static final class Args {
        private final String usage;
        private final List<Token> positional;
        private final Map<String, String> options;

        private Args(String usage, List<Token> positional, Map<String, String> options) {
            this.usage = usage;
            this.positional = positional;
            this.options = options;
        }

        static Args of(List<Token> tokens, String usage, boolean freeText, String... allowed) {
            Set<String> allowedKeys = Set.of(allowed);
            List<Token> positional = new ArrayList<>();
            Map<String, String> options = new LinkedHashMap<>();
            for (Token token : tokens) {
                Matcher m = token.quoted() ? null : OPTION.matcher(token.text());
                if (m == null || !m.matches()) {
                    positional.add(token);
                    continue;
                }
                String key = m.group(1).toLowerCase(Locale.ROOT);
                String value = m.group(2);
                boolean url = value.startsWith("//");
                if (allowedKeys.contains(key)) {
                    if (value.isEmpty() && !token.valueQuoted()) {
                        throw new Refusal("Option " + key + ": has no value: write it without a space after the "
                                + "colon, e.g. " + key + ":\"…\". Usage: " + usage);
                    }
                    if (options.putIfAbsent(key, value) != null) {
                        throw new Refusal("Option " + key + ": is given twice: give it once. Usage: " + usage);
                    }
                } else if (url || (freeText && (!GRAMMAR_KEYS.contains(key) || value.isEmpty()) && !token.valueQuoted())) {
                    positional.add(token);
                } else {
                    String hint = freeText ? " To use " + shown(key + ":") + " in the text, put the text in quotes." : "";
                    throw new Refusal("Unknown option " + shown(key + ":") + " for " + commandOf(usage) + ". "
                            + allowedList(allowed) + hint + " Usage: " + usage);
                }
            }
            return new Args(usage, positional, options);
        }

        int size() {
            return positional.size();
        }

        boolean quoted(int index) {
            return positional.get(index).quoted();
        }

        String value(int index) {
            return positional.get(index).text();
        }

        String required(int index, String what) {
            if (index >= positional.size()) {
                throw new Refusal("Missing " + what + ". Usage: " + usage);
            }
            return value(index);
        }

        void atMost(int count) {
            if (positional.size() > count) {
                throw new Refusal("Unexpected " + shown(positional.get(count).raw()) + ". Usage: " + usage);
            }
        }

        Optional<String> option(String key) {
            return Optional.ofNullable(options.get(key));
        }

        /** One quoted word is the text itself; several words are joined by single spaces as typed. */
        String textFrom(int index) {
            List<Token> words = positional.subList(index, positional.size());
            if (words.size() == 1) {
                return words.getFirst().text();
            }
            return words.stream().map(Token::raw).collect(Collectors.joining(" "));
        }

        private static String allowedList(String[] allowed) {
            if (allowed.length == 0) {
                return "It takes no options.";
            }
            return "Allowed options: " + Arrays.stream(allowed).map(k -> k + ":")
                    .collect(Collectors.joining(", ")) + ".";
        }

        private static String commandOf(String usage) {
            int bracket = usage.indexOf(" <");
            int square = usage.indexOf(" [");
            int cut = bracket < 0 ? square : square < 0 ? bracket : Math.min(bracket, square);
            return cut < 0 ? usage : usage.substring(0, cut);
        }
    }

    private static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (true) {
            while (i < n && isSpace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return tokens;
            }
            int start = i;
            StringBuilder text = new StringBuilder();
            if (s.charAt(i) == '"') {
                i = readQuoted(s, i, text);
                tokens.add(new Token(text.toString(), s.substring(start, i), true, false));
                continue;
            }
            boolean valueQuoted = false;
            while (i < n && !isSpace(s.charAt(i))) {
                char c = s.charAt(i);
                if (c == '"' && !valueQuoted && OPTION_PREFIX.matcher(text).matches()) {
                    i = readQuoted(s, i, text);
                    valueQuoted = true;
                } else {
                    text.append(c);
                    i++;
                }
            }
            tokens.add(new Token(text.toString(), s.substring(start, i), false, valueQuoted));
        }
    }

    /** Reads {@code "…"} starting at the opening quote; returns the index after the closing one. */
    private static int readQuoted(String s, int open, StringBuilder into) {
        int n = s.length();
        int i = open + 1;
        while (true) {
            if (i >= n) {
                throw new Refusal("Unclosed quote: end the quoted text with \" (write \\\" for a quote inside it).");
            }
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < n && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                into.append(s.charAt(i + 1));
                i += 2;
            } else if (c == '"') {
                i++;
                break;
            } else {
                into.append(c);
                i++;
            }
        }
        if (i < n && !isSpace(s.charAt(i))) {
            throw new Refusal("Put a space after the closing quote of \"" + shownBare(into.toString()) + "\".");
        }
        return i;
    }

    private static String subcommand(List<Token> tokens, String command, String usage) {
        if (tokens.isEmpty()) {
            throw new Refusal(command + " needs a subcommand. Usage:\n" + usage);
        }
        return tokens.getFirst().text().toLowerCase(Locale.ROOT);
    }

    private static Refusal unknownSubcommand(String command, String sub, String usage) {
        return new Refusal("Unknown " + command + " subcommand " + shown(sub) + ". Usage:\n" + usage);
    }

    private static Command.Kind kindOf(String word) {
        String name = word.toLowerCase(Locale.ROOT);
        Command.Kind kind = COMMANDS.get(name.substring(1));
        if (kind != null) {
            return kind;
        }
        String typed = name.substring(1);
        String suggestion = COMMANDS.keySet().stream()
                .filter(c -> typed.length() > 1 && distance(typed, c) <= 2)
                .min(Comparator.comparingInt((String c) -> distance(typed, c)).thenComparing(Comparator.naturalOrder()))
                .map(c -> " Did you mean /" + c + "?").orElse("");
        throw new Refusal("Unknown command " + shown(word) + "." + suggestion
                + " Type /help to see what you may use.");
    }

    // ---- safety ---------------------------------------------------------------------------------

    /**
     * Refuses what no honest command contains, before anything else reads the line: characters that
     * hide text from the reader (bidi overrides, zero-width), break lines in logs, or are not text.
     */
    private static void rejectInjectionShapes(String line) {
        if (line.length() > MAX_LINE) {
            int length = line.codePointCount(0, line.length());
            if (length > MAX_LINE) {
                throw new Refusal("Command too long: " + length + " characters, at most " + MAX_LINE + ".");
            }
        }
        int position = 1;
        for (int i = 0; i < line.length(); position++) {
            int cp = line.codePointAt(i);
            String problem = switch (Character.getType(cp)) {
                case Character.CONTROL -> "Control character";
                case Character.FORMAT -> "Invisible formatting character (zero-width or text-direction)";
                case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> "Line break";
                case Character.SURROGATE -> "Broken character";
                case Character.UNASSIGNED -> "Unassigned character";
                default -> null;
            };
            if (problem != null) {
                String name = Character.getName(cp);
                throw new Refusal(problem + " " + String.format("U+%04X", cp) + (name == null ? "" : " (" + name + ")")
                        + " at position " + position + " is not allowed: type the command on one line in plain text.");
            }
            i += Character.charCount(cp);
        }
    }

    /** Spaces between words: the ASCII space and the other Unicode space separators such as U+00A0. */
    private static boolean isSpace(char c) {
        return Character.isSpaceChar(c);
    }

    private static String trimSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Echoes what someone typed, quoted and cut short so a refusal cannot be used to post long text. */
    private static String shown(String text) {
        return "'" + shownBare(text) + "'";
    }

    private static String shownBare(String text) {
        if (text.codePointCount(0, text.length()) <= SHOWN) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, SHOWN)) + "…";
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Map<String, Command.Kind> commands() {
        Map<String, Command.Kind> commands = new LinkedHashMap<>();
        for (Command.Kind kind : Command.Kind.values()) {
            // /audit export and /maintenance list are typed as subcommands; they are families of their own
            // only for roles.
            if (kind != Command.Kind.AUDIT_EXPORT && kind != Command.Kind.MAINTENANCE_LIST) {
                commands.put(kind.name().toLowerCase(Locale.ROOT), kind);
            }
        }
        return Map.copyOf(commands);
    }

    private static Map<Command.Kind, String> usages() {
        Map<Command.Kind, String> usages = new EnumMap<>(Command.Kind.class);
        usages.put(Command.Kind.DEPLOY, DEPLOY);
        usages.put(Command.Kind.ROLLBACK, ROLLBACK);
        usages.put(Command.Kind.APPROVE, APPROVE);
        usages.put(Command.Kind.REJECT, REJECT);
        usages.put(Command.Kind.CANCEL, CANCEL);
        usages.put(Command.Kind.STATUS, STATUS);
        usages.put(Command.Kind.HEALTH, HEALTH);
        usages.put(Command.Kind.HISTORY, HISTORY);
        usages.put(Command.Kind.LOCK, LOCK);
        usages.put(Command.Kind.UNLOCK, UNLOCK);
        usages.put(Command.Kind.MAINTENANCE, lines(MAINTENANCE_START, MAINTENANCE_SCHEDULE, MAINTENANCE_OTHERS));
        usages.put(Command.Kind.INCIDENT, lines(INCIDENT_OPEN, INCIDENT_OTHERS));
        usages.put(Command.Kind.AUDIT, AUDIT_VERIFY);
        usages.put(Command.Kind.AUDIT_EXPORT, AUDIT_EXPORT);
        usages.put(Command.Kind.MAINTENANCE_LIST, MAINTENANCE_LIST);
        usages.put(Command.Kind.HELP, HELP);
        return usages;
    }

    private static String lines(String... lines) {
        return String.join("\n", lines);
    }

    /** How a refusal leaves the depths of the parser; cheap, since it carries no stack trace. */
    private static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }
}
