package dev.vitals.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.catalog.DurationText;
import dev.vitals.catalog.Names;
import dev.vitals.catalog.Risk;
import dev.vitals.catalog.Severity;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {

    /** Saturday 2026-11-21, 11:00 in Berlin (UTC+1 in November). */
    static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final Vocabulary VOCABULARY = new Vocabulary(
            new TreeSet<>(List.of("backend", "frontend")),
            new TreeSet<>(List.of("production", "staging")),
            new TreeSet<>(List.of("alice", "bob")));

    final CommandParser parser = new CommandParser(Clock.fixed(NOW, ZONE), ZONE);

    Command parsed(String line) {
        ParseResult result = parser.parse(line, VOCABULARY);
        assertThat(result).as("result of %s", line).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).command();
    }

    String refusal(String line) {
        ParseResult result = parser.parse(line, VOCABULARY);
        assertThat(result).as("result of %s", line).isInstanceOf(ParseResult.Refused.class);
        return ((ParseResult.Refused) result).message();
    }

    @Nested
    class Deploy {
        @Test
        void parsesDeployWithServiceAndVersionOnly() {
            // when
            Command command = parsed("/deploy backend 1.4.2");

            // then
            assertThat(command).isEqualTo(new Command.Deploy("backend", "1.4.2", Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty()));
        }

        @Test
        void parsesDeployWithAllOptions() {
            // when
            Command command = parsed("/deploy backend v2.0.0-rc.1 production risk:high reason:\"db migration\" "
                    + "at:2026-11-22T02:00:00Z");

            // then
            assertThat(command).isEqualTo(new Command.Deploy("backend", "v2.0.0-rc.1", Optional.of("production"),
                    Optional.of(Risk.HIGH), Optional.of("db migration"),
                    Optional.of(Instant.parse("2026-11-22T02:00:00Z"))));
        }

        @Test
        void acceptsOptionsAnywhereAfterTheCommand() {
            // when
            Command command = parsed("/deploy risk:low backend reason:hotfix 1.0 staging");

            // then
            assertThat(command).isEqualTo(new Command.Deploy("backend", "1.0", Optional.of("staging"),
                    Optional.of(Risk.LOW), Optional.of("hotfix"), Optional.empty()));
        }

        @Test
        void acceptsEnvironmentAsOption() {
            // when
            Command.Deploy command = (Command.Deploy) parsed("/deploy frontend 3.1 env:production");

            // then
            assertThat(command.environment()).contains("production");
        }

        @Test
        void acceptsSameEnvironmentGivenAsWordAndOption() {
            // when
            Command.Deploy command = (Command.Deploy) parsed("/deploy frontend 3.1 production env:production");

            // then
            assertThat(command.environment()).contains("production");
        }

        @Test
        void refusesTwoDifferentEnvironments() {
            // when
            String message = refusal("/deploy frontend 3.1 production env:staging");

            // then
            assertThat(message).contains("Environment given twice").contains("give it once");
        }

        @Test
        void acceptsCommandWordInAnyCase() {
            // when
            Command command = parsed("/DEPLOY backend 1.0");

            // then
            assertThat(command.kind()).isEqualTo(Command.Kind.DEPLOY);
        }

        @Test
        void collapsesAnySpacingBetweenWords() {
            // when
            Command command = parsed("   /deploy \u00a0 backend    1.0   ");

            // then
            assertThat(command).isEqualTo(new Command.Deploy("backend", "1.0", Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty()));
        }

        @Test
        void refusesUnknownServiceListingKnownOnes() {
            // when
            String message = refusal("/deploy nosuch 1.0");

            // then
            assertThat(message).isEqualTo("Unknown service 'nosuch'. Known services: backend, frontend.");
        }

        @Test
        void refusesUnknownEnvironmentListingKnownOnes() {
            // when
            String message = refusal("/deploy backend 1.0 moon");

            // then
            assertThat(message).isEqualTo("Unknown environment 'moon'. Known environments: production, staging.");
        }

        @Test
        void rejectsPathTraversalAsService() {
            // when
            String message = refusal("/deploy ../../etc/passwd 1.0");

            // then
            assertThat(message).contains("is not a valid name").contains(Names.NAME_RULE)
                    .contains("Known services: backend, frontend.");
        }

        @Test
        void refusesUpperCaseServiceNameNamingTheRule() {
            // when
            String message = refusal("/deploy Backend 1.0");

            // then
            assertThat(message).contains("'Backend'").contains(Names.NAME_RULE);
        }

        @ParameterizedTest
        @ValueSource(strings = {"'v1;rm'", "v1;rm", "1.0&&reboot", "$(id)", "`id`", "1.0|sh", "-rf", ".hidden",
                "1.0>out", "v1\\x"})
        void rejectsShellMetacharactersInVersion(String version) {
            // when
            String message = refusal("/deploy backend " + version);

            // then
            assertThat(message).startsWith("Version '").contains(Names.TAG_RULE);
        }

        @Test
        void rejectsQuotedVersionContainingSpaces() {
            // when
            String message = refusal("/deploy backend \"1.0 ; rm -rf /\"");

            // then
            assertThat(message).contains(Names.TAG_RULE);
        }

        @Test
        void acceptsLongestDockerTag() {
            // given
            String tag = "a".repeat(128);

            // when
            Command.Deploy command = (Command.Deploy) parsed("/deploy backend " + tag);

            // then
            assertThat(command.version()).isEqualTo(tag);
        }

        @Test
        void refusesTagLongerThanDockerAllows() {
            // when
            String message = refusal("/deploy backend " + "a".repeat(129));

            // then
            assertThat(message).contains(Names.TAG_RULE);
        }

        @Test
        void refusesMissingVersionWithUsage() {
            // when
            String message = refusal("/deploy backend");

            // then
            assertThat(message).isEqualTo("Missing <version>. Usage: " + CommandParser.usage(Command.Kind.DEPLOY));
            assertThat(message).contains("Usage: /deploy <service> <version> [env] [risk:low|medium|high] "
                    + "[reason:\"…\"] [at:<time>]");
        }

        @Test
        void refusesMissingServiceWithUsage() {
            // when
            String message = refusal("/deploy");

            // then
            assertThat(message).startsWith("Missing <service>. Usage: /deploy");
        }

        @Test
        void refusesTooManyWordsWithUsage() {
            // when
            String message = refusal("/deploy backend 1.0 production now");

            // then
            assertThat(message).isEqualTo("Unexpected 'now'. Usage: " + CommandParser.usage(Command.Kind.DEPLOY));
        }

        @Test
        void refusesUnknownOptionNamingAllowedOnes() {
            // when
            String message = refusal("/deploy backend 1.0 prio:high");

            // then
            assertThat(message).startsWith("Unknown option 'prio:' for /deploy. Allowed options: env:, risk:, reason:, at:.");
        }

        @Test
        void refusesOptionOfAnotherCommand() {
            // when
            String message = refusal("/deploy backend 1.0 to:0.9");

            // then
            assertThat(message).contains("Unknown option 'to:'").contains("Allowed options: env:, risk:, reason:, at:.");
        }

        @Test
        void refusesOptionGivenTwice() {
            // when
            String message = refusal("/deploy backend 1.0 risk:low risk:high");

            // then
            assertThat(message).contains("risk: is given twice");
        }

        @Test
        void refusesOptionWithoutValueExplainingTheForm() {
            // when
            String message = refusal("/deploy backend 1.0 reason: \"db migration\"");

            // then
            assertThat(message).contains("reason: has no value").contains("reason:\"…\"");
        }

        @Test
        void refusesUnknownRiskListingTheLevels() {
            // when
            String message = refusal("/deploy backend 1.0 risk:extreme");

            // then
            assertThat(message).isEqualTo("Unknown risk 'extreme': use risk:low, risk:medium or risk:high.");
        }

        @Test
        void acceptsRiskInAnyCase() {
            // when
            Command.Deploy command = (Command.Deploy) parsed("/deploy backend 1.0 risk:Medium");

            // then
            assertThat(command.risk()).contains(Risk.MEDIUM);
        }

        @Test
        void refusesEmptyQuotedReason() {
            // when
            String message = refusal("/deploy backend 1.0 reason:\"\"");

            // then
            assertThat(message).startsWith("Reason is empty");
        }

        @Test
        void keepsEscapedQuotesInsideReason() {
            // when
            Command.Deploy command = (Command.Deploy) parsed("/deploy backend 1.0 reason:\"the \\\"big\\\" fix\"");

            // then
            assertThat(command.reason()).contains("the \"big\" fix");
        }

        @Test
        void acceptsPrintableUnicodeInReason() {
            // when
            Command.Deploy command = (Command.Deploy) parsed("/deploy backend 1.0 reason:\"Änderung für Ärzte ✅ 🚀\"");

            // then
            assertThat(command.reason()).contains("Änderung für Ärzte ✅ 🚀");
        }

        @Test
        void refusesReasonLongerThanThreeHundredCharacters() {
            // when
            String message = refusal("/deploy backend 1.0 reason:\"" + "x".repeat(301) + "\"");

            // then
            assertThat(message).isEqualTo("Reason is too long: 301 characters, at most 300.");
        }

        @Test
        void acceptsReasonOfExactlyThreeHundredCharacters() {
            // when
            Command.Deploy command = (Command.Deploy) parsed("/deploy backend 1.0 reason:\"" + "é".repeat(300) + "\"");

            // then
            assertThat(command.reason()).hasValueSatisfying(r -> assertThat(r).hasSize(300));
        }

        @Test
        void refusesUnclosedQuote() {
            // when
            String message = refusal("/deploy backend 1.0 reason:\"db migration");

            // then
            assertThat(message).startsWith("Unclosed quote");
        }

        @Test
        void refusesTextGluedToClosingQuote() {
            // when
            String message = refusal("/deploy backend 1.0 reason:\"db\"migration");

            // then
            assertThat(message).startsWith("Put a space after the closing quote");
        }
    }

    @Nested
    class Times {
        Instant at(String time) {
            return ((Command.Deploy) parsed("/deploy backend 1.0 at:" + time)).at().orElseThrow();
        }

        @Test
        void readsIsoInstant() {
            assertThat(at("2026-11-22T02:00:00Z")).isEqualTo(Instant.parse("2026-11-22T02:00:00Z"));
        }

        @Test
        void readsIsoTimeWithOffset() {
            assertThat(at("2026-11-22T02:00:00+01:00")).isEqualTo(Instant.parse("2026-11-22T01:00:00Z"));
        }

        @Test
        void readsLocalDateTimeInTheParsersZone() {
            assertThat(at("2026-11-22T02:00")).isEqualTo(Instant.parse("2026-11-22T01:00:00Z"));
        }

        @Test
        void readsClockTimeAsTodayWhenStillAhead() {
            assertThat(at("14:30")).isEqualTo(Instant.parse("2026-11-21T13:30:00Z"));
        }

        @Test
        void readsClockTimeAsTomorrowWhenAlreadyPast() {
            assertThat(at("09:00")).isEqualTo(Instant.parse("2026-11-22T08:00:00Z"));
        }

        @Test
        void readsClockTimeOfThisVeryMinuteAsNow() {
            assertThat(at("11:00")).isEqualTo(NOW);
        }

        @Test
        void readsRelativeTimeFromNow() {
            assertThat(at("+1h30m")).isEqualTo(NOW.plus(Duration.ofMinutes(90)));
        }

        @Test
        void acceptsQuotedTime() {
            assertThat(at("\"02:00\"")).isEqualTo(Instant.parse("2026-11-22T01:00:00Z"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"tomorrow", "25:00", "2026-13-01T00:00", "+0m", "+soon", "2026-11-22", "12:5"})
        void refusesUnreadableTimeCitingAcceptedForms(String time) {
            // when
            String message = refusal("/deploy backend 1.0 at:" + time);

            // then
            assertThat(message).startsWith("Time '" + time + "' is not valid: use ")
                    .contains("2026-11-22T02:00:00Z").contains("2026-11-22T02:00 (Europe/Berlin)")
                    .contains("14:30").contains("+30m");
        }

        @Test
        void refusesTimeInThePast() {
            // when
            String message = refusal("/deploy backend 1.0 at:2026-11-20T02:00:00Z");

            // then
            assertThat(message).contains("is in the past");
        }
    }

    @Nested
    class Rollback {
        @Test
        void parsesRollbackOfServiceOnly() {
            assertThat(parsed("/rollback backend")).isEqualTo(
                    new Command.Rollback("backend", Optional.empty(), Optional.empty(), Optional.empty()));
        }

        @Test
        void parsesRollbackWithAllOptions() {
            assertThat(parsed("/rollback backend production to:1.4.1 reason:\"login broken\"")).isEqualTo(
                    new Command.Rollback("backend", Optional.of("production"), Optional.of("1.4.1"),
                            Optional.of("login broken")));
        }

        @Test
        void rejectsShellMetacharactersInTargetVersion() {
            assertThat(refusal("/rollback backend to:1.0;reboot")).contains(Names.TAG_RULE);
        }

        @Test
        void refusesRiskOnRollbackNamingAllowedOptions() {
            assertThat(refusal("/rollback backend risk:high"))
                    .startsWith("Unknown option 'risk:' for /rollback. Allowed options: env:, to:, reason:.");
        }

        @Test
        void refusesMissingServiceWithUsage() {
            assertThat(refusal("/rollback")).isEqualTo(
                    "Missing <service>. Usage: /rollback <service> [env] [to:<version>] [reason:\"…\"]");
        }
    }

    @Nested
    class Decisions {
        @Test
        void parsesApproveNormalisingTheId() {
            assertThat(parsed("/approve d-12")).isEqualTo(new Command.Approve("D-12"));
        }

        @Test
        void parsesRejectWithoutReason() {
            assertThat(parsed("/reject D-7")).isEqualTo(new Command.Reject("D-7", Optional.empty()));
        }

        @Test
        void parsesRejectWithReasonFromTheRemainingWords() {
            assertThat(parsed("/reject D-7 not   during clinic hours")).isEqualTo(
                    new Command.Reject("D-7", Optional.of("not during clinic hours")));
        }

        @Test
        void parsesRejectWithQuotedReason() {
            assertThat(parsed("/reject D-7 \"not during clinic hours\"")).isEqualTo(
                    new Command.Reject("D-7", Optional.of("not during clinic hours")));
        }

        @Test
        void parsesCancel() {
            assertThat(parsed("/cancel D-3")).isEqualTo(new Command.Cancel("D-3"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"12", "D12", "D-", "D-1a", "X-12", "D-../1"})
        void refusesMalformedDeploymentIdNamingTheForm(String id) {
            assertThat(refusal("/approve " + id)).contains("is not a deployment id").contains("D-<number>");
        }

        @Test
        void refusesApproveWithoutIdWithUsage() {
            assertThat(refusal("/approve")).isEqualTo("Missing <deployment>. Usage: /approve <deployment>");
        }

        @Test
        void refusesApproveOfTwoDeployments() {
            assertThat(refusal("/approve D-1 D-2")).isEqualTo("Unexpected 'D-2'. Usage: /approve <deployment>");
        }
    }

    @Nested
    class Views {
        @Test
        void parsesStatusWithoutEnvironment() {
            assertThat(parsed("/status")).isEqualTo(new Command.Status(Optional.empty()));
        }

        @Test
        void parsesStatusOfEnvironment() {
            assertThat(parsed("/status production")).isEqualTo(new Command.Status(Optional.of("production")));
        }

        @Test
        void parsesStatusWithEnvironmentOption() {
            assertThat(parsed("/status env:staging")).isEqualTo(new Command.Status(Optional.of("staging")));
        }

        @Test
        void parsesHealth() {
            assertThat(parsed("/health backend staging")).isEqualTo(
                    new Command.Health("backend", Optional.of("staging")));
        }

        @Test
        void parsesHistory() {
            assertThat(parsed("/history frontend")).isEqualTo(new Command.History("frontend", Optional.empty()));
        }

        @Test
        void parsesHistoryWithEnvironmentOption() {
            assertThat(parsed("/history frontend env:production")).isEqualTo(
                    new Command.History("frontend", Optional.of("production")));
        }

        @Test
        void refusesHealthWithoutServiceWithUsage() {
            assertThat(refusal("/health")).isEqualTo("Missing <service>. Usage: /health <service> [env]");
        }

        @Test
        void parsesHelp() {
            assertThat(parsed("/help")).isEqualTo(new Command.Help());
        }

        @Test
        void refusesWordsAfterHelp() {
            assertThat(refusal("/help deploy")).isEqualTo("Unexpected 'deploy'. Usage: /help");
        }
    }

    @Nested
    class Locks {
        @Test
        void parsesLockWithReasonFromTheRemainingWords() {
            assertThat(parsed("/lock backend production freeze for audit")).isEqualTo(
                    new Command.Lock("backend", "production", "freeze for audit"));
        }

        @Test
        void parsesLockWithQuotedReason() {
            assertThat(parsed("/lock backend production \"freeze: audit\"")).isEqualTo(
                    new Command.Lock("backend", "production", "freeze: audit"));
        }

        @Test
        void keepsProseColonsAndLinksInReason() {
            assertThat(parsed("/lock backend production Reason: audit, see https://wiki/freeze")).isEqualTo(
                    new Command.Lock("backend", "production", "Reason: audit, see https://wiki/freeze"));
        }

        @Test
        void refusesGrammarOptionInsideFreeTextSuggestingQuotes() {
            assertThat(refusal("/lock backend production freeze env:staging"))
                    .contains("Unknown option 'env:' for /lock. It takes no options.")
                    .contains("put the text in quotes");
        }

        @Test
        void refusesLockWithoutReasonWithUsage() {
            assertThat(refusal("/lock backend production"))
                    .isEqualTo("Missing <reason>. Usage: /lock <service> <env> <reason>");
        }

        @Test
        void refusesLockOfUnknownEnvironment() {
            assertThat(refusal("/lock backend moon freeze")).startsWith("Unknown environment 'moon'");
        }

        @Test
        void refusesLockReasonLongerThanThreeHundredCharacters() {
            assertThat(refusal("/lock backend production " + "word ".repeat(61)))
                    .isEqualTo("Reason is too long: 304 characters, at most 300.");
        }

        @Test
        void parsesUnlock() {
            assertThat(parsed("/unlock backend production")).isEqualTo(new Command.Unlock("backend", "production"));
        }

        @Test
        void refusesUnlockWithoutEnvironmentWithUsage() {
            assertThat(refusal("/unlock backend")).isEqualTo("Missing <env>. Usage: /unlock <service> <env>");
        }
    }

    @Nested
    class Maintenance {
        @Test
        void parsesMaintenanceStartWithReasonFromTheRemainingWords() {
            assertThat(parsed("/maintenance start 30m DB upgrade")).isEqualTo(new Command.MaintenanceStart(
                    Duration.ofMinutes(30), "DB upgrade", List.of(), Optional.empty()));
        }

        @Test
        void parsesMaintenanceStartWithServicesAndEnvironment() {
            assertThat(parsed("/maintenance start 1h30m \"DB upgrade\" services:backend,frontend env:production"))
                    .isEqualTo(new Command.MaintenanceStart(Duration.ofMinutes(90), "DB upgrade",
                            List.of("backend", "frontend"), Optional.of("production")));
        }

        @Test
        void readsServicesAndEnvironmentAsWordsAfterAQuotedReason() {
            assertThat(parsed("/maintenance start 20m \"DB upgrade\" backend,frontend production"))
                    .isEqualTo(new Command.MaintenanceStart(Duration.ofMinutes(20), "DB upgrade",
                            List.of("backend", "frontend"), Optional.of("production")));
            assertThat(parsed("/maintenance start 20m \"DB upgrade\" staging")).isEqualTo(new Command.MaintenanceStart(
                    Duration.ofMinutes(20), "DB upgrade", List.of(), Optional.of("staging")));
            assertThat(parsed("/maintenance start 20m \"DB upgrade\" all staging")).isEqualTo(
                    new Command.MaintenanceStart(Duration.ofMinutes(20), "DB upgrade", List.of(), Optional.of("staging")));
            assertThat(((Command.MaintenanceSchedule) parsed("/maintenance schedule 02:00 2h \"kernel patch\" backend"))
                    .services()).containsExactly("backend");
            assertThat(refusal("/maintenance start 20m \"DB upgrade\" db production"))
                    .isEqualTo("Unknown service 'db'. Known services: backend, frontend.");
            assertThat(refusal("/maintenance start 20m \"DB upgrade\" backend staging env:production"))
                    .contains("Environment given twice");
        }

        @Test
        void dropsRepeatedServices() {
            Command.MaintenanceStart command =
                    (Command.MaintenanceStart) parsed("/maintenance start 1h x services:backend,backend");
            assertThat(command.services()).containsExactly("backend");
        }

        @Test
        void refusesUnknownServiceInServicesList() {
            assertThat(refusal("/maintenance start 1h x services:backend,db"))
                    .isEqualTo("Unknown service 'db'. Known services: backend, frontend.");
        }

        @Test
        void refusesEmptyEntryInServicesList() {
            assertThat(refusal("/maintenance start 1h x services:backend,,frontend")).contains("empty entry");
        }

        @Test
        void refusesSingularServiceOptionNamingAllowedOnes() {
            assertThat(refusal("/maintenance start 1h x service:backend"))
                    .contains("Unknown option 'service:' for /maintenance start. Allowed options: services:, env:.");
        }

        @Test
        void refusesUnreadableDurationCitingTheRule() {
            assertThat(refusal("/maintenance start soon DB upgrade"))
                    .isEqualTo("Duration 'soon' is not valid: use " + DurationText.RULE + ".");
        }

        @Test
        void refusesZeroDuration() {
            assertThat(refusal("/maintenance start 0m DB upgrade")).contains("is zero");
        }

        @Test
        void refusesWindowLongerThanSevenDays() {
            assertThat(refusal("/maintenance start 7d1m DB upgrade")).contains("at most 7d");
        }

        @Test
        void acceptsWindowOfExactlySevenDays() {
            assertThat(((Command.MaintenanceStart) parsed("/maintenance start 7d x")).duration())
                    .isEqualTo(Duration.ofDays(7));
        }

        @Test
        void refusesMaintenanceStartWithoutReasonWithUsage() {
            assertThat(refusal("/maintenance start 30m")).isEqualTo("Missing <reason>. Usage: /maintenance start "
                    + "<duration> <reason> [services:<service,…>] [env:<env>]");
        }

        @Test
        void parsesMaintenanceSchedule() {
            assertThat(parsed("/maintenance schedule 2026-11-22T02:00 2h kernel patch env:production")).isEqualTo(
                    new Command.MaintenanceSchedule(Instant.parse("2026-11-22T01:00:00Z"), Duration.ofHours(2),
                            "kernel patch", List.of(), Optional.of("production")));
        }

        @Test
        void parsesMaintenanceScheduleAtClockTime() {
            Command.MaintenanceSchedule command =
                    (Command.MaintenanceSchedule) parsed("/maintenance schedule 02:00 2h kernel patch");
            assertThat(command.start()).isEqualTo(Instant.parse("2026-11-22T01:00:00Z"));
        }

        @Test
        void parsesMaintenanceScheduleTomorrowAndInRelativeForms() {
            Command.MaintenanceSchedule tomorrow =
                    (Command.MaintenanceSchedule) parsed("/maintenance schedule tomorrow 02:00 2h kernel patch");
            Command.MaintenanceSchedule in =
                    (Command.MaintenanceSchedule) parsed("/maintenance schedule in 2h 30m kernel patch");
            assertThat(tomorrow.start()).isEqualTo(java.time.ZonedDateTime.ofInstant(NOW, ZONE).toLocalDate()
                    .plusDays(1).atTime(2, 0).atZone(ZONE).toInstant());
            assertThat(tomorrow.reason()).isEqualTo("kernel patch");
            assertThat(in.start()).isEqualTo(NOW.plus(Duration.ofHours(2)));
            assertThat(in.duration()).isEqualTo(Duration.ofMinutes(30));
        }

        @Test
        void refusesScheduleInThePast() {
            assertThat(refusal("/maintenance schedule 2026-11-01T02:00:00Z 2h patch")).contains("is in the past");
        }

        @Test
        void refusesScheduleWithUnreadableStartCitingForms() {
            assertThat(refusal("/maintenance schedule midnight 2h patch"))
                    .startsWith("Time 'midnight' is not valid: use 2026-11-22T02:00:00Z");
        }

        @Test
        void parsesMaintenanceEndListAndCancel() {
            assertThat(parsed("/maintenance end")).isEqualTo(new Command.MaintenanceEnd(Optional.empty()));
            assertThat(parsed("/maintenance end M-2")).isEqualTo(new Command.MaintenanceEnd(Optional.of("M-2")));
            assertThat(parsed("/maintenance extend m-2 30m"))
                    .isEqualTo(new Command.MaintenanceExtend("M-2", Duration.ofMinutes(30)));
            assertThat(parsed("/maintenance list")).isEqualTo(new Command.MaintenanceList());
            assertThat(parsed("/maintenance cancel m-4")).isEqualTo(new Command.MaintenanceCancel("M-4"));
        }

        @Test
        void refusesMalformedWindowIdNamingTheForm() {
            assertThat(refusal("/maintenance cancel D-4")).contains("M-<number>");
        }

        @Test
        void refusesUnknownSubcommandListingTheForms() {
            assertThat(refusal("/maintenance pause")).isEqualTo("Unknown /maintenance subcommand 'pause'. Usage:\n"
                    + CommandParser.usage(Command.Kind.MAINTENANCE));
        }

        @Test
        void refusesMissingSubcommandListingTheForms() {
            assertThat(refusal("/maintenance")).endsWith(CommandParser.usage(Command.Kind.MAINTENANCE));
        }
    }

    @Nested
    class Incidents {
        @Test
        void parsesIncidentOpenWithTitleFromTheRemainingWords() {
            assertThat(parsed("/incident open P1 Login fails")).isEqualTo(
                    new Command.IncidentOpen(Severity.P1, "Login fails", Optional.empty()));
        }

        @Test
        void parsesIncidentOpenWithServiceOption() {
            assertThat(parsed("/incident open p0 Login fails service:backend")).isEqualTo(
                    new Command.IncidentOpen(Severity.P0, "Login fails", Optional.of("backend")));
        }

        @Test
        void refusesUnknownSeverityListingTheLevels() {
            assertThat(refusal("/incident open P5 Login fails"))
                    .isEqualTo("Unknown severity 'P5': use P0, P1, P2 or P3.");
        }

        @Test
        void refusesIncidentWithoutTitleWithUsage() {
            assertThat(refusal("/incident open P2")).isEqualTo(
                    "Missing <title>. Usage: /incident open <P0|P1|P2|P3> <title> [service:<service>] [env:<env>]");
        }

        @Test
        void parsesIncidentAck() {
            assertThat(parsed("/incident ack")).isEqualTo(new Command.IncidentAck());
        }

        @Test
        void parsesIncidentUpdateKeepingProse() {
            assertThat(parsed("/incident update Root cause: expired cert on lb-2")).isEqualTo(
                    new Command.IncidentUpdate("Root cause: expired cert on lb-2"));
        }

        @Test
        void parsesIncidentSeverity() {
            assertThat(parsed("/incident severity P2")).isEqualTo(new Command.IncidentSeverity(Severity.P2));
        }

        @Test
        void parsesIncidentCommanderWithOrWithoutAt() {
            assertThat(parsed("/incident commander @alice")).isEqualTo(new Command.IncidentCommander("alice"));
            assertThat(parsed("/incident commander bob")).isEqualTo(new Command.IncidentCommander("bob"));
        }

        @Test
        void refusesUnknownCommanderListingKnownUsers() {
            assertThat(refusal("/incident commander @mallory"))
                    .isEqualTo("Unknown user 'mallory'. Known users: alice, bob.");
        }

        @Test
        void parsesIncidentResolve() {
            assertThat(parsed("/incident resolve \"cert renewed, monitoring\"")).isEqualTo(
                    new Command.IncidentResolve("cert renewed, monitoring"));
        }

        @Test
        void parsesAnIncidentIdOptionAndRefusesAMalformedOne() {
            assertThat(parsed("/incident ack id:i-7")).isEqualTo(new Command.IncidentAck(Optional.of("I-7")));
            assertThat(parsed("/incident resolve \"fixed it\" id:I-3"))
                    .isEqualTo(new Command.IncidentResolve("fixed it", Optional.of("I-3")));
            assertThat(refusal("/incident ack id:D-3")).contains("not an incident id").contains("I-<number>");
        }

        @Test
        void refusesUpdateWithoutText() {
            assertThat(refusal("/incident update")).isEqualTo("Missing <text>. Usage: /incident update <text> [id:<I-n>]");
        }

        @Test
        void refusesUnknownIncidentSubcommand() {
            assertThat(refusal("/incident close")).startsWith("Unknown /incident subcommand 'close'. Usage:\n");
        }
    }

    @Nested
    class Audit {
        @Test
        void parsesAuditVerify() {
            assertThat(parsed("/audit verify")).isEqualTo(new Command.AuditVerify());
        }

        @Test
        void parsesAuditExportOfEverything() {
            assertThat(parsed("/audit export")).isEqualTo(new Command.AuditExport(Optional.empty(), Optional.empty()));
        }

        @Test
        void parsesAuditExportSinceDateAsStartOfDayInZone() {
            assertThat(parsed("/audit export 2026-11-01 backend")).isEqualTo(new Command.AuditExport(
                    Optional.of(Instant.parse("2026-10-31T23:00:00Z")), Optional.of("backend")));
        }

        @Test
        void parsesAuditExportSinceInstant() {
            assertThat(parsed("/audit export 2026-11-01T08:00:00Z")).isEqualTo(new Command.AuditExport(
                    Optional.of(Instant.parse("2026-11-01T08:00:00Z")), Optional.empty()));
        }

        @Test
        void parsesAuditExportOfServiceOnly() {
            assertThat(parsed("/audit export frontend")).isEqualTo(
                    new Command.AuditExport(Optional.empty(), Optional.of("frontend")));
        }

        @Test
        void refusesUnreadableSinceCitingForms() {
            assertThat(refusal("/audit export 7d")).startsWith("Since '7d' is not valid: use a date such as 2026-11-01");
        }

        @Test
        void refusesServiceBeforeSince() {
            assertThat(refusal("/audit export backend 2026-11-01"))
                    .isEqualTo("Unexpected '2026-11-01'. Usage: /audit export [since] [service]");
        }
    }

    @Nested
    class Shape {
        @Test
        void refusesNull() {
            assertThat(refusal(null)).startsWith("Empty command");
        }

        @Test
        void refusesBlankLine() {
            assertThat(refusal("   ")).startsWith("Empty command");
        }

        @Test
        void refusesMissingVocabularyWithoutThrowing() {
            assertThat(parser.parse("/status", null)).isInstanceOf(ParseResult.Refused.class);
        }

        @Test
        void refusesLineWithoutSlashExplainingTheForm() {
            assertThat(refusal("hello bot")).startsWith("Commands start with '/'");
        }

        @Test
        void suggestsTheSlashWhenTheWordIsACommand() {
            assertThat(refusal("deploy backend 1.0")).isEqualTo(
                    "Commands start with '/': write /deploy instead of 'deploy'.");
        }

        @Test
        void refusesUnknownCommandPointingToHelp() {
            assertThat(refusal("/frobnicate")).isEqualTo(
                    "Unknown command '/frobnicate'. Type /help to see what you may use.");
        }

        @Test
        void suggestsTheClosestCommandForATypo() {
            assertThat(refusal("/deplyo backend 1.0")).isEqualTo(
                    "Unknown command '/deplyo'. Did you mean /deploy? Type /help to see what you may use.");
        }

        @Test
        void refusesBareSlash() {
            assertThat(refusal("/")).startsWith("Unknown command '/'.");
        }

        @Test
        void rejectsTenThousandCharacters() {
            assertThat(refusal("/deploy backend " + "a".repeat(10_000)))
                    .isEqualTo("Command too long: 10016 characters, at most 1000.");
        }

        @Test
        void readsALineOfExactlyOneThousandCharactersAsACommand() {
            String line = "/lock backend production " + "x".repeat(275) + " " + "y".repeat(1000 - 301);
            assertThat(line).hasSize(1000);
            assertThat(refusal(line)).startsWith("Reason is too long");
        }

        @Test
        void countsCharactersNotUtf16UnitsForTheLengthLimit() {
            // 600 emoji are 1200 UTF-16 units but 600 characters: short enough, refused only as a reason
            String line = "/lock backend production " + "🚑".repeat(600);
            assertThat(refusal(line)).isEqualTo("Reason is too long: 600 characters, at most 300.");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\n", "\r", "\t", "\u0000", "\u001b[31m", "\u007f", "\u0085"})
        void rejectsControlCharacters(String control) {
            assertThat(refusal("/deploy backend 1.0 reason:\"a" + control + "b\""))
                    .startsWith("Control character U+").contains("at position 30").contains("one line in plain text");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\u00ad"})
        void rejectsInvisibleFormattingCharacters(String invisible) {
            assertThat(refusal("/deploy back" + invisible + "end 1.0"))
                    .startsWith("Invisible formatting character").contains("at position 13");
        }

        @Test
        void namesTheBidiOverrideItRejects() {
            assertThat(refusal("/lock backend production ok\u202Edaolnwod"))
                    .contains("U+202E (RIGHT-TO-LEFT OVERRIDE)");
        }

        @Test
        void rejectsUnicodeLineSeparator() {
            assertThat(refusal("/status\u2028/deploy backend 1.0")).startsWith("Line break U+2028");
        }

        @Test
        void rejectsLoneSurrogate() {
            assertThat(refusal("/lock backend production x\ud800y")).startsWith("Broken character U+D800");
        }

        @Test
        void checksInjectionShapeBeforeAnythingElse() {
            assertThat(refusal("hello\u0000")).startsWith("Control character");
            assertThat(refusal(null)).startsWith("Empty command");
        }

        @Test
        void cutsLongEchoesShort() {
            String message = refusal("/deploy " + "a".repeat(200) + " 1.0");
            assertThat(message).contains("'" + "a".repeat(40) + "…'").doesNotContain("a".repeat(41));
        }

        @ParameterizedTest
        @EnumSource(Command.Kind.class)
        void offersAUsageLineForEveryKind(Command.Kind kind) {
            assertThat(CommandParser.usage(kind)).startsWith("/" + kind.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }

        @Test
        void showsEveryMaintenanceFormInItsUsage() {
            assertThat(CommandParser.usage(Command.Kind.MAINTENANCE).lines()).containsExactly(
                    "/maintenance start <duration> <reason> [services:<service,…>] [env:<env>]",
                    "/maintenance schedule <start> <duration> <reason> [services:<service,…>] [env:<env>]",
                    "/maintenance end [id] | extend <id> <duration> | list | cancel <id>");
        }
    }
}
