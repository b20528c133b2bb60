package dev.vitals.chat.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.chat.Command;
import dev.vitals.chat.CommandParser;
import dev.vitals.chat.ParseResult;
import dev.vitals.chat.Vocabulary;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import org.junit.jupiter.api.Test;

class SlashCommandsTest {
    private final CommandParser parser = new CommandParser(Clock.systemUTC(), ZoneOffset.UTC);
    private final Vocabulary vocabulary = new Vocabulary(new TreeSet<>(java.util.List.of("backend", "frontend")),
            new TreeSet<>(java.util.List.of("staging", "production")), new TreeSet<>(java.util.List.of("alice")));

    @Test
    void whatAPersonTypesIntoAnOptionReachesTheCommandExactlyAsTyped() {
        for (String reason : java.util.List.of("plain", "two words", "a \"quoted\" word", "back\\slash", "key:value",
                "@everyone look", "ünïcödé ✅", "ends with \\")) {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("service", "backend");
            options.put("version", "v1.4");
            options.put("env", "production");
            options.put("reason", reason);
            options.put("risk", "high");

            ParseResult parsed = parser.parse(SlashCommands.line("deploy", null, options), vocabulary);

            assertThat(parsed).isInstanceOf(ParseResult.Parsed.class);
            Command.Deploy deploy = (Command.Deploy) ((ParseResult.Parsed) parsed).command();
            assertThat(deploy.reason()).contains(reason);
            assertThat(deploy.environment()).contains("production");
            assertThat(deploy.version()).isEqualTo("v1.4");
        }
    }

    @Test
    void subcommandsBecomeTheGrammarsSubcommands() {
        ParseResult parsed = parser.parse(SlashCommands.line("maintenance", "start",
                Map.of("duration", "30m", "reason", "db upgrade", "env", "production")), vocabulary);

        assertThat(parsed).isInstanceOf(ParseResult.Parsed.class);
        Command.MaintenanceStart start = (Command.MaintenanceStart) ((ParseResult.Parsed) parsed).command();
        assertThat(start.reason()).isEqualTo("db upgrade");
        assertThat(start.environment()).isEqualTo(Optional.of("production"));

        Map<String, String> resolve = new LinkedHashMap<>();
        resolve.put("summary", "rolled back to v1.4");
        resolve.put("id", "I-7");
        ParseResult resolved = parser.parse(SlashCommands.line("incident", "resolve", resolve), vocabulary);
        assertThat(resolved).isEqualTo(new ParseResult.Parsed(
                new Command.IncidentResolve("rolled back to v1.4", Optional.of("I-7"))));
    }

    @Test
    void everyCommandIsDefinedWithinDiscordsLimitsAndTheFingerprintIsStable() {
        var definitions = SlashCommands.definitions();

        assertThat(definitions).hasSize(14);
        for (CommandData c : definitions) {
            SlashCommandData slash = (SlashCommandData) c;
            assertThat(slash.getDescription().length()).isBetween(1, 100);
            assertThat(slash.getOptions().size() + slash.getSubcommands().size()).isLessThanOrEqualTo(25);
        }
        assertThat(SlashCommands.fingerprint(definitions)).isEqualTo(SlashCommands.fingerprint(SlashCommands.definitions()));
    }
}
