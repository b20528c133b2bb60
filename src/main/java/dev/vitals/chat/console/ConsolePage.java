package dev.vitals.chat.console;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The console as a web page at {@code /}: server-rendered with the catalog's users and the channels,
 * then kept live by {@code console.js} over the JSON API and its event stream.
 */
@Controller
class ConsolePage {
    private static final Logger log = LoggerFactory.getLogger(ConsolePage.class);

    private final Catalog catalog;
    private final ConsoleChatPlatform platform;
    private final Suggestions suggestions;

    ConsolePage(Catalog catalog, ConsoleChatPlatform platform, Suggestions suggestions) {
        this.catalog = catalog;
        this.platform = platform;
        this.suggestions = suggestions;
    }

    record UserOption(String name, String roles) {
    }

    @GetMapping("/")
    String page(Model model) {
        List<UserOption> users = catalog.users().values().stream()
                .map(u -> new UserOption(u.name(), String.join(", ", u.roles().stream().sorted().toList())))
                .toList();
        Set<String> channels = platform.channels();
        String deploys = catalog.defaultEnvironment().channels().deploys();
        model.addAttribute("users", users);
        model.addAttribute("channels", channels);
        model.addAttribute("channel", channels.contains(deploys) ? deploys : channels.iterator().next());
        model.addAttribute("tryFirst", tryFirst());
        return "console";
    }

    /** Three commands a newcomer can run as they are: what may I do, what runs where, and a first deploy. */
    List<String> tryFirst() {
        String env = catalog.defaultEnvironment().name();
        List<String> tries = new ArrayList<>(List.of("/help", "/status " + env));
        String service = catalog.services().keySet().iterator().next();
        String version = null;
        try {
            // A plain version that does not run there yet (the demo's newest tag is its broken one).
            version = suggestions.versions(service, env).stream()
                    .filter(s -> s.value().equals(s.label()) && !s.value().contains("-"))
                    .map(Suggestions.Suggestion::value).findFirst().orElse(null);
        } catch (RuntimeException e) {
            log.debug("No versions of {} to suggest: {}", service, e.toString());
        }
        tries.add(version == null ? "/history " + service + " " + env : "/deploy " + service + " " + version + " " + env);
        return tries;
    }
}
