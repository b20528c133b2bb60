package dev.vitals.chat.console;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.Suggestions;
import dev.vitals.chat.Suggestions.Suggestion;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Completion of a command line as the console's command box types it: commands, then services,
 * environments, versions and deployment ids, with the same suggestions Discord's autocomplete offers.
 */
@Component
class ConsoleCompletion {
    private static final Logger log = LoggerFactory.getLogger(ConsoleCompletion.class);
    static final int MAX = 15;

    enum Slot { SERVICE, VERSION, ENV, DEPLOYMENT, WORD }

    /** The positional options of each command, in order; the words a sub-command may be. */
    private record Form(List<Slot> slots, List<String> words, List<String> keys) {
    }

    private static final Map<String, Form> GRAMMAR = grammar();

    private final Catalog catalog;
    private final Suggestions suggestions;

    ConsoleCompletion(Catalog catalog, Suggestions suggestions) {
        this.catalog = catalog;
        this.suggestions = suggestions;
    }

    private static Map<String, Form> grammar() {
        List<Slot> serviceEnv = List.of(Slot.SERVICE, Slot.ENV);
        List<Slot> deployment = List.of(Slot.DEPLOYMENT);
        var g = new java.util.LinkedHashMap<String, Form>();
        g.put("deploy", new Form(List.of(Slot.SERVICE, Slot.VERSION, Slot.ENV), List.of(),
                List.of("risk:low", "risk:medium", "risk:high", "reason:\"", "at:")));
        g.put("rollback", new Form(serviceEnv, List.of(), List.of("to:", "reason:\"")));
        g.put("approve", new Form(deployment, List.of(), List.of()));
        g.put("reject", new Form(deployment, List.of(), List.of()));
        g.put("cancel", new Form(deployment, List.of(), List.of()));
        g.put("status", new Form(List.of(Slot.ENV), List.of(), List.of()));
        g.put("health", new Form(serviceEnv, List.of(), List.of()));
        g.put("history", new Form(serviceEnv, List.of(), List.of()));
        g.put("lock", new Form(serviceEnv, List.of(), List.of()));
        g.put("unlock", new Form(serviceEnv, List.of(), List.of()));
        g.put("maintenance", new Form(List.of(Slot.WORD), List.of("start", "schedule", "end", "list", "cancel"),
                List.of()));
        g.put("incident", new Form(List.of(Slot.WORD), List.of("open", "ack", "update", "severity", "commander",
                "resolve"), List.of()));
        g.put("audit", new Form(List.of(Slot.WORD), List.of("verify", "export"), List.of()));
        g.put("help", new Form(List.of(), List.of(), List.of()));
        return Map.copyOf(g);
    }

    /** Whole lines that complete {@code line}'s last word, each with what a person sees for it. */
    List<Suggestion> complete(String line) {
        if (line == null || !line.startsWith("/") || line.contains("\n")) {
            return List.of();
        }
        int cut = line.lastIndexOf(' ') + 1;
        String head = line.substring(0, cut);
        String typed = line.substring(cut);
        String[] done = head.isBlank() ? new String[0] : head.strip().split("\\s+");
        if (done.length == 0) {
            return GRAMMAR.keySet().stream().sorted().map(c -> "/" + c)
                    .filter(c -> starts(c, typed)).map(c -> new Suggestion(c + " ", c)).limit(MAX).toList();
        }
        Form form = GRAMMAR.get(done[0].substring(1).toLowerCase(Locale.ROOT));
        if (form == null) {
            return List.of();
        }
        List<String> positional = Stream.of(done).skip(1).filter(w -> !w.contains(":")).toList();
        try {
            if (typed.startsWith("to:") && positional.size() >= 1) {
                return of(head, suggestions.versions(positional.getFirst(), positional.size() > 1 ? positional.get(1) : null)
                        .stream().map(s -> new Suggestion("to:" + s.value(), "to:" + s.label())).toList(), typed);
            }
            if (typed.contains(":") || positional.size() >= form.slots().size()) {
                return of(head, form.keys().stream().map(k -> new Suggestion(k, k)).toList(), typed);
            }
            List<Suggestion> candidates = switch (form.slots().get(positional.size())) {
                case SERVICE -> names(catalog.services().keySet().stream());
                case ENV -> names(catalog.environments().keySet().stream().sorted());
                case VERSION -> suggestions.versions(positional.getFirst(), null);
                case DEPLOYMENT -> suggestions.deployments();
                case WORD -> names(form.words().stream());
            };
            return of(head, candidates, typed);
        } catch (RuntimeException e) {
            // The page asks again shortly: what the engine or the database could not tell now it may tell then.
            log.warn("Completion of '{}' failed: {}", line, e.toString());
            throw new Unavailable("Suggestions are not available right now: " + e.getMessage(), e);
        }
    }

    /** Suggestions could not be read now (the engine or the database did not answer). */
    static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static List<Suggestion> names(Stream<String> names) {
        return names.map(n -> new Suggestion(n, n)).toList();
    }

    private static List<Suggestion> of(String head, List<Suggestion> candidates, String typed) {
        List<Suggestion> out = new ArrayList<>();
        Function<Suggestion, Suggestion> whole = s -> new Suggestion(head + s.value()
                + (s.value().endsWith(":") || s.value().endsWith("\"") ? "" : " "), s.label());
        for (Suggestion s : candidates) {
            if (starts(s.value(), typed) && out.size() < MAX) {
                out.add(whole.apply(s));
            }
        }
        return out;
    }

    private static boolean starts(String value, String typed) {
        return value.toLowerCase(Locale.ROOT).startsWith(typed.toLowerCase(Locale.ROOT));
    }
}
