package dev.vitals.chat.discord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.data.DataArray;

/**
 * The command grammar as Discord slash commands, and back: the options someone filled in become the
 * one command line Vitals parses on every surface, so Discord adds no grammar of its own.
 */
final class SlashCommands {
    /** Options whose values Vitals completes while someone types. */
    static final Set<String> COMPLETED = Set.of("service", "env", "version", "to", "deployment");

    /** An option of a command: positional (its value stands in order) or a {@code key:value} option. */
    record Opt(String name, String description, boolean required, boolean positional, boolean complete,
               List<String> choices) {
        static Opt pos(String name, String description) {
            return new Opt(name, description, true, true, COMPLETED.contains(name), List.of());
        }

        static Opt optionalPos(String name, String description) {
            return new Opt(name, description, false, true, COMPLETED.contains(name), List.of());
        }

        static Opt key(String name, String description) {
            return new Opt(name, description, false, false, COMPLETED.contains(name), List.of());
        }

        Opt choices(String... values) {
            return new Opt(name, description, required, positional, false, List.of(values));
        }
    }

    record Form(String description, List<Opt> options) {
    }

    /** command → subcommand ("" for none) → its form, in the order of the grammar. */
    static final Map<String, Map<String, Form>> GRAMMAR = grammar();

    private SlashCommands() {
    }

    private static Map<String, Map<String, Form>> grammar() {
        Map<String, Map<String, Form>> g = new LinkedHashMap<>();
        Opt service = Opt.pos("service", "A service of the catalog");
        Opt env = Opt.optionalPos("env", "An environment of the catalog (default: staging)");
        Opt deployment = Opt.pos("deployment", "A deployment id, e.g. D-12");
        Opt reason = Opt.key("reason", "Why (shown on the card and in the audit log)");
        g.put("deploy", Map.of("", new Form("Request a deployment of a service at a version", List.of(service,
                Opt.pos("version", "An image tag, e.g. v1.4"), env,
                Opt.key("risk", "Risk of the change (default from the catalog)").choices("low", "medium", "high"),
                reason, Opt.key("at", "When to start, e.g. 22:00 or 2026-01-15T22:00")))));
        g.put("rollback", Map.of("", new Form("Roll a service back", List.of(service, env,
                Opt.key("to", "The version to go back to (default: the previous successful one)"), reason))));
        g.put("approve", Map.of("", new Form("Approve a deployment", List.of(deployment))));
        g.put("reject", Map.of("", new Form("Reject a deployment", List.of(deployment,
                Opt.optionalPos("reason", "Why")))));
        g.put("cancel", Map.of("", new Form("Cancel a deployment", List.of(deployment))));
        g.put("status", Map.of("", new Form("What runs where", List.of(Opt.optionalPos("env", "An environment")))));
        g.put("health", Map.of("", new Form("Health of a service", List.of(service, env))));
        g.put("history", Map.of("", new Form("Deployments of a service", List.of(service, env))));
        g.put("lock", Map.of("", new Form("Freeze deployments of a service in an environment", List.of(service,
                Opt.pos("env", "An environment"), Opt.pos("reason", "Why")))));
        g.put("unlock", Map.of("", new Form("Lift a freeze", List.of(service, Opt.pos("env", "An environment")))));
        Map<String, Form> maintenance = new LinkedHashMap<>();
        Opt services = Opt.key("services", "Services, comma-separated (default: all)");
        Opt envKey = Opt.key("env", "An environment");
        maintenance.put("start", new Form("Start a maintenance window now", List.of(
                Opt.pos("duration", "How long, e.g. 30m or 2h"), Opt.pos("reason", "Why"), services, envKey)));
        maintenance.put("schedule", new Form("Schedule a maintenance window", List.of(
                Opt.pos("start", "When, e.g. 22:00 or 2026-01-15T22:00"), Opt.pos("duration", "How long"),
                Opt.pos("reason", "Why"), services, envKey)));
        maintenance.put("end", new Form("End the active maintenance window", List.of()));
        maintenance.put("list", new Form("Maintenance windows", List.of()));
        maintenance.put("cancel", new Form("Cancel a scheduled window", List.of(Opt.pos("id", "A window id, e.g. M-3"))));
        g.put("maintenance", maintenance);
        Map<String, Form> incident = new LinkedHashMap<>();
        Opt severity = Opt.pos("severity", "P0 (worst) to P3").choices("P0", "P1", "P2", "P3");
        Opt incidentId = Opt.key("id", "The incident, e.g. I-3 (default: the one of this thread)");
        incident.put("open", new Form("Open an incident", List.of(severity, Opt.pos("title", "What is wrong"),
                Opt.key("service", "The service affected"), Opt.key("env", "The environment (default: production)"))));
        incident.put("ack", new Form("Acknowledge the incident of this thread", List.of(incidentId)));
        incident.put("update", new Form("Add to the incident's timeline", List.of(Opt.pos("text", "What happened"),
                incidentId)));
        incident.put("severity", new Form("Change the incident's severity", List.of(severity, incidentId)));
        incident.put("commander", new Form("Hand the incident to a commander", List.of(Opt.pos("user", "Who"),
                incidentId)));
        incident.put("resolve", new Form("Resolve the incident", List.of(Opt.pos("summary", "What fixed it"),
                incidentId)));
        g.put("incident", incident);
        Map<String, Form> audit = new LinkedHashMap<>();
        audit.put("verify", new Form("Verify the audit log's hash chain", List.of()));
        audit.put("export", new Form("Export the audit log", List.of(Opt.optionalPos("since", "From when, e.g. 2026-01-01"),
                Opt.optionalPos("service", "Only this service"))));
        g.put("audit", audit);
        g.put("help", Map.of("", new Form("What you may do", List.of())));
        return g;
    }

    static List<CommandData> definitions() {
        List<CommandData> commands = new ArrayList<>();
        GRAMMAR.forEach((name, forms) -> {
            SlashCommandData command;
            if (forms.containsKey("")) {
                Form form = forms.get("");
                command = Commands.slash(name, form.description()).addOptions(options(form));
            } else {
                command = Commands.slash(name, name.substring(0, 1).toUpperCase() + name.substring(1) + " commands");
                forms.forEach((sub, form) -> command.addSubcommands(
                        new SubcommandData(sub, form.description()).addOptions(options(form))));
            }
            command.setContexts(net.dv8tion.jda.api.interactions.InteractionContextType.GUILD);
            commands.add(command);
        });
        return commands;
    }

    private static List<OptionData> options(Form form) {
        List<OptionData> options = new ArrayList<>();
        // Discord wants required options first; the grammar's order is kept otherwise.
        form.options().stream().filter(Opt::required).forEach(o -> options.add(option(o)));
        form.options().stream().filter(o -> !o.required()).forEach(o -> options.add(option(o)));
        return options;
    }

    private static OptionData option(Opt o) {
        OptionData d = new OptionData(OptionType.STRING, o.name(), o.description(), o.required(), o.complete());
        o.choices().forEach(c -> d.addChoice(c, c));
        return d;
    }

    /** A fingerprint of the definitions: the commands are registered again only when it changes. */
    static String fingerprint(List<CommandData> commands) {
        String json = DataArray.fromCollection(commands.stream().map(CommandData::toData).toList()).toString();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The command line a filled-in slash command stands for, e.g. {@code /deploy backend v1.4 staging reason:"…"}. */
    static String line(String name, String subcommand, Map<String, String> values) {
        StringBuilder line = new StringBuilder("/").append(name);
        Map<String, Form> forms = GRAMMAR.get(name);
        Form form = forms == null ? null : forms.get(subcommand == null ? "" : subcommand);
        if (subcommand != null) {
            line.append(' ').append(subcommand);
        }
        if (form == null) {
            values.values().forEach(v -> line.append(' ').append(word(v)));
            return line.toString();
        }
        for (Opt o : form.options()) {
            String v = values.get(o.name());
            if (v != null && o.positional()) {
                line.append(' ').append(word(v));
            }
        }
        for (Opt o : form.options()) {
            String v = values.get(o.name());
            if (v != null && !o.positional()) {
                line.append(' ').append(o.name()).append(':').append(word(v));
            }
        }
        return line.toString();
    }

    static Map<String, String> values(List<OptionMapping> options) {
        Map<String, String> values = new LinkedHashMap<>();
        options.forEach(o -> values.put(o.getName(), o.getAsString()));
        return values;
    }

    /** One word of the grammar: as it is when it is a plain word, else between quotes with \ and " escaped. */
    static String word(String value) {
        boolean plain = !value.isEmpty() && value.chars().noneMatch(c -> Character.isSpaceChar(c) || c == '"'
                || c == '\\' || c == ':');
        return plain ? value : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
