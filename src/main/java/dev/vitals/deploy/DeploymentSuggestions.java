package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.Suggestions;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/** Versions and deployment ids for chat autocomplete, read from the engine and the deployment records. */
@Component
class DeploymentSuggestions implements Suggestions {
    private static final Pattern NUMBERS = Pattern.compile("(\\d+)|(\\D+)");

    private final Catalog catalog;
    private final ContainerRuntime runtime;
    private final EngineState state;
    private final DeploymentStore store;

    DeploymentSuggestions(Catalog catalog, ContainerRuntime runtime, EngineState state, DeploymentStore store) {
        this.catalog = catalog;
        this.runtime = runtime;
        this.state = state;
        this.store = store;
    }

    @Override
    public List<Suggestion> versions(String service, String environment) {
        var svc = catalog.service(service);
        var env = catalog.environment(environment == null || environment.isBlank()
                ? catalog.defaultEnvironment().name() : environment);
        if (svc.isEmpty() || env.isEmpty()) {
            return List.of();
        }
        // what is live as the engine state last saw it; the tags are the engine's own (one call)
        EngineState.View view = state.view(env.get());
        Set<String> liveVersions = LiveVersions.live(env.get(), svc.get(),
                        LiveVersions.managed(view.managed(), env.get(), svc.get()), view::managed).stream()
                .map(ContainerInfo::labels).map(l -> l.get(Labels.VERSION))
                .filter(v -> v != null).collect(Collectors.toSet());
        return runtime.tags(env.get().engine(), svc.get().image()).stream()
                .sorted(NEWEST_FIRST)
                .map(tag -> new Suggestion(tag, liveVersions.contains(tag) ? tag + " (live in " + env.get().name() + ")"
                        : tag))
                .toList();
    }

    @Override
    public List<Suggestion> deployments() {
        List<Deployment> recent = store.search(null, null, null, 50);
        return Stream.concat(recent.stream().filter(d -> !d.status().terminal()),
                        recent.stream().filter(d -> d.status().terminal()))
                .map(d -> new Suggestion(d.id(), d.id() + " · " + d.service() + " " + d.version() + " → "
                        + d.environment() + " · " + d.status()))
                .toList();
    }

    /** v1.10 after v1.9: numbers compared as numbers, the rest as text; newest (highest) first. */
    static final Comparator<String> NEWEST_FIRST = ((Comparator<String>) DeploymentSuggestions::compareVersions).reversed();

    private static int compareVersions(String a, String b) {
        List<String> x = parts(a);
        List<String> y = parts(b);
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            String p = x.get(i);
            String q = y.get(i);
            boolean numbers = Character.isDigit(p.charAt(0)) && Character.isDigit(q.charAt(0));
            int c = numbers ? new java.math.BigInteger(p).compareTo(new java.math.BigInteger(q)) : p.compareTo(q);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    }

    private static List<String> parts(String v) {
        List<String> parts = new ArrayList<>();
        Matcher m = NUMBERS.matcher(v);
        while (m.find()) {
            parts.add(m.group());
        }
        return parts;
    }
}
