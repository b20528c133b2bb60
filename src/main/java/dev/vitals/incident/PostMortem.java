package dev.vitals.incident;

import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.Deployments;
import dev.vitals.deploy.StepRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The Markdown post-mortem draft attached on resolve: summary, impact window, timeline, the deployments in
 * the window (from {@link #LOOKBACK} before it opened, since a change usually precedes its incident) with
 * their steps, health and alert events, times to acknowledge and to resolve, and empty sections for the
 * root cause and the action items, which only people can write.
 */
@Component
class PostMortem {
    static final Duration LOOKBACK = Duration.ofHours(2);

    private final IncidentStore store;
    private final Deployments deployments;
    private final IncidentChat chat;

    PostMortem(IncidentStore store, Deployments deployments, IncidentChat chat) {
        this.store = store;
        this.deployments = deployments;
        this.chat = chat;
    }

    String draft(Incident i) {
        List<IncidentStore.Entry> timeline = store.timeline(i.id());
        StringBuilder b = new StringBuilder();
        b.append("# Post-mortem: ").append(i.id()).append(" — ").append(line(i.title())).append("\n\n");
        b.append("*Draft written by Vitals when the incident was resolved; edit it before sharing.*\n\n");
        b.append("## Summary\n\n").append(line(i.summary())).append("\n\n");
        b.append("- Severity: ").append(i.severity()).append("\n");
        b.append("- Service: ").append(i.service() == null ? "—" : i.service()).append(" in ").append(i.environment())
                .append("\n");
        b.append("- Opened by: ").append(i.openedBy()).append(" (").append(i.source()).append(")\n");
        b.append("- Commander: ").append(i.commander() == null ? "—" : i.commander()).append("\n\n");
        b.append("## Impact window\n\n").append(chat.time(i.openedAt())).append(" – ").append(chat.time(i.resolvedAt()))
                .append(" (").append(IncidentChat.words(Duration.between(i.openedAt(), i.resolvedAt()))).append(")\n\n");
        b.append("- Time to acknowledge: ").append(i.acknowledgedAt() == null ? "not acknowledged"
                : IncidentChat.words(Duration.between(i.openedAt(), i.acknowledgedAt()))).append("\n");
        b.append("- Time to resolve: ").append(IncidentChat.words(Duration.between(i.openedAt(), i.resolvedAt())))
                .append("\n\n");
        b.append("## Timeline\n\n");
        for (IncidentStore.Entry e : timeline) {
            b.append("- ").append(chat.time(e.at())).append(" · ").append(e.kind()).append(" · ")
                    .append(line(e.text())).append("\n");
        }
        b.append("\n## Deployments in the window\n\n");
        List<Deployment> ran = inWindow(i);
        if (ran.isEmpty()) {
            b.append("None.\n");
        }
        for (Deployment d : ran) {
            b.append("### ").append(d.id()).append(": ").append(d.service()).append(" ").append(d.version())
                    .append(" in ").append(d.environment()).append(" — ").append(d.status()).append("\n\n");
            b.append("Requested by ").append(d.requestedBy()).append(" at ").append(chat.time(d.createdAt()))
                    .append(d.finishedAt() == null ? "" : ", finished " + chat.time(d.finishedAt())).append(".\n\n");
            for (StepRecord s : deployments.steps(d.id())) {
                b.append("- ").append(s.name()).append(": ").append(s.status())
                        .append(s.detail() == null ? "" : " — " + line(s.detail())).append("\n");
            }
            b.append("\n");
        }
        b.append("## Health and alert events\n\n");
        List<IncidentStore.Entry> events = timeline.stream()
                .filter(e -> e.kind().equals("health") || e.kind().equals("alertmanager") || e.kind().equals("alert"))
                .toList();
        if (events.isEmpty()) {
            b.append("None recorded.\n");
        }
        for (IncidentStore.Entry e : events) {
            b.append("- ").append(chat.time(e.at())).append(" · ").append(line(e.text())).append("\n");
        }
        b.append("\n## Root cause\n\n_To be written._\n\n## Action items\n\n- [ ] _To be written._\n");
        return b.toString();
    }

    /** The linked deployments, and those of its service and environment from the lookback to its resolution. */
    private List<Deployment> inWindow(Incident i) {
        Map<String, Deployment> found = new LinkedHashMap<>();
        for (String id : store.deployments(i.id())) {
            deployments.find(id).ifPresent(d -> found.put(d.id(), d));
        }
        if (i.service() != null) {
            Instant from = i.openedAt().minus(LOOKBACK);
            Instant to = i.resolvedAt() == null ? Instant.MAX : i.resolvedAt();
            for (Deployment d : deployments.search(i.service(), i.environment(), null, 100)) {
                Instant when = d.finishedAt() != null ? d.finishedAt() : d.updatedAt();
                if (!when.isBefore(from) && !d.createdAt().isAfter(to)) {
                    found.putIfAbsent(d.id(), d);
                }
            }
        }
        List<Deployment> list = new ArrayList<>(found.values());
        list.sort(Comparator.comparing(Deployment::createdAt));
        return list;
    }

    private static String line(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
