package dev.vitals.incident;

import dev.vitals.catalog.Catalog;
import dev.vitals.catalog.Catalog.RoleMapping;
import dev.vitals.catalog.DurationText;
import dev.vitals.chat.Attachment;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.ThreadRef;
import dev.vitals.chat.UserText;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.Deployments;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * An incident in chat: its card in the environment's incidents channel (edited to the committed state
 * after every change), its thread, the one on-call ping when it opens, and the post-mortem draft. Chat
 * failures are logged, never undo a committed change: the card catches up at the next change.
 */
@Component
class IncidentChat {
    private static final Logger log = LoggerFactory.getLogger(IncidentChat.class);

    private final IncidentStore store;
    private final ChatPlatform chat;
    private final Catalog catalog;
    private final Deployments deployments;
    private final DateTimeFormatter times;
    // Card edits of one incident one at a time, each from the state read under the lock: none is lost or stale.
    private final ConcurrentHashMap<String, ReentrantLock> cardLocks = new ConcurrentHashMap<>();

    IncidentChat(IncidentStore store, ChatPlatform chat, Catalog catalog, Deployments deployments,
                 @Value("${vitals.zone:UTC}") ZoneId zone) {
        this.store = store;
        this.chat = chat;
        this.catalog = catalog;
        this.deployments = deployments;
        this.times = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").withZone(zone);
    }

    static String inert(String typed) {
        return UserText.quoted(typed);
    }

    static String words(Duration d) {
        return DurationText.format(d);
    }

    String time(Instant at) {
        return at == null ? "—" : times.format(at);
    }

    /** Card and thread for a new incident, the on-call ping in the thread, and links to its deployments' threads. */
    void opened(String id) {
        ReentrantLock lock = lock(id);
        lock.lock();
        try {
            Incident i = store.find(id).orElseThrow();
            try {
                String channel = channel(i);
                MessageRef card = chat.post(channel, Message.text(card(i)));
                ThreadRef thread = chat.openThread(card, i.id() + " " + i.severity() + " " + i.title());
                store.setChat(id, channel, card.id(), thread.id());
                String ping = mention(catalog.incidents().onCall());
                Message first = Message.text(ping + " " + i.severity() + " incident " + i.id() + ": "
                        + inert(i.title()) + ". Acknowledge by " + time(i.ackDeadline()) + " ("
                        + words(catalog.incidents().target(i.severity())) + " target) with /incident ack in this"
                        + " thread; everything said here with /incident update goes into its timeline.")
                        .withIntendedMention(ping);
                chat.postInThread(thread, first);
                for (String d : store.deployments(id)) {
                    linkDeployment(i, thread, d);
                }
            } catch (RuntimeException e) {
                log.warn("Incident {} is open but its card or thread could not be posted: {}", id, e.toString());
            }
        } finally {
            lock.unlock();
        }
    }

    /** The deployment's thread names the incident, and the incident's thread names the deployment. */
    void linkDeployment(Incident i, ThreadRef incidentThread, String deploymentId) {
        Optional<Deployment> d = deployments.find(deploymentId);
        if (d.isEmpty()) {
            return;
        }
        Deployment dep = d.get();
        if (dep.threadId() != null) {
            chat.postInThread(new ThreadRef(dep.threadId(), dep.cardChannel()), Message.text("🚨 " + i.label()
                    + " was opened for this deployment: see its thread in #" + i.cardChannel() + " (thread "
                    + incidentThread.id() + ")."));
        }
        chat.postInThread(incidentThread, Message.text("Linked deployment " + dep.id() + ": " + dep.service() + " "
                + dep.version() + " in " + dep.environment() + ", " + dep.status()
                + (dep.threadId() == null ? "" : " (its thread: " + dep.threadId() + " in #" + dep.cardChannel() + ")")
                + ". To go back: /rollback " + dep.service() + " " + dep.environment()));
    }

    void refreshCard(String id) {
        ReentrantLock lock = lock(id);
        lock.lock();
        try {
            Incident i = store.find(id).orElse(null);
            if (i == null || i.cardMessage() == null) {
                return;
            }
            try {
                chat.edit(new MessageRef(i.cardMessage(), i.cardChannel(), null), Message.text(card(i)));
            } catch (RuntimeException e) {
                log.info("Card of {} could not be edited ({}); it catches up at the next change", id, e.toString());
            }
        } finally {
            lock.unlock();
        }
    }

    void note(String id, String text) {
        inThread(id, Message.text(text));
    }

    void escalated(String id, String role) {
        Incident i = store.find(id).orElseThrow();
        String ping = mention(role);
        inThread(id, Message.text("⏫ " + ping + ": " + i.label() + " was not acknowledged within "
                + words(catalog.incidents().target(i.severity())) + ". Escalated to " + role
                + "; acknowledge with /incident ack.").withIntendedMention(ping));
        refreshCard(id);
    }

    void remind(String id) {
        Incident i = store.find(id).orElseThrow();
        inThread(id, Message.text("⏰ " + i.label() + " is still " + i.status().name().toLowerCase()
                + (i.commander() == null ? "" : " (commander " + i.commander() + ")")
                + ": post an update with /incident update <text>, or resolve it with /incident resolve <summary>."));
    }

    void postMortem(String id) {
        Incident i = store.find(id).orElseThrow();
        refreshCard(id);
        if (i.postmortem() == null) {
            return;
        }
        inThread(id, new Message("✅ " + i.label() + " resolved: " + inert(i.summary())
                + ". The post-mortem draft is attached (timeline, deployments in the window, times to acknowledge"
                + " and resolve); root cause and action items are for you to fill in.", List.of(),
                List.of(new Attachment("postmortem-" + i.id() + ".md", "text/markdown",
                        i.postmortem().getBytes(StandardCharsets.UTF_8)))));
    }

    private void inThread(String id, Message m) {
        Incident i = store.find(id).orElse(null);
        if (i == null || i.threadId() == null) {
            return;
        }
        try {
            chat.postInThread(new ThreadRef(i.threadId(), i.cardChannel()), m);
        } catch (RuntimeException e) {
            log.warn("Could not post in the thread of {}: {}", id, e.toString());
        }
    }

    String card(Incident i) {
        List<String> deps = store.deployments(i.id());
        String state = switch (i.status()) {
            case OPEN -> "OPEN — acknowledge by " + time(i.ackDeadline()) + " ("
                    + words(catalog.incidents().target(i.severity())) + " target)";
            case ACKNOWLEDGED -> "ACKNOWLEDGED by " + i.acknowledgedBy() + " at " + time(i.acknowledgedAt());
            case RESOLVED -> "RESOLVED at " + time(i.resolvedAt());
        };
        StringBuilder b = new StringBuilder();
        b.append("🚨 Incident ").append(i.id()).append(" · ").append(i.severity()).append(" · ").append(state)
                .append("\n").append(inert(i.title()))
                .append("\nService: ").append(i.service() == null ? "—" : i.service()).append(" in ")
                .append(i.environment()).append(" · source: ").append(i.source())
                .append("\nCommander: ").append(i.commander() == null ? "—" : i.commander())
                .append(" · opened ").append(time(i.openedAt())).append(" by ").append(i.openedBy());
        if (i.escalatedTo() != null) {
            b.append("\nEscalated to: ").append(i.escalatedTo());
        }
        b.append("\nDeployments: ").append(deps.isEmpty() ? "—" : String.join(", ", deps));
        if (i.status() != Incident.Status.RESOLVED && i.service() != null && !deps.isEmpty()) {
            b.append("\nTo go back: /rollback ").append(i.service()).append(" ").append(i.environment());
        }
        return b.toString();
    }

    /**
     * How a bot role is pinged: its Discord role ids from the catalog ({@code roles: {on-call: {discord:
     * [123…]}}}) as {@code <@&id>}; without one (the console), {@code @role}.
     */
    String mention(String role) {
        RoleMapping mapping = catalog.roles().get(role);
        if (mapping != null) {
            for (String r : mapping.discordRoles()) {
                if (r.matches("\\d{5,25}")) {
                    return "<@&" + r + ">";
                }
            }
        }
        return "@" + role;
    }

    private String channel(Incident i) {
        Catalog.Environment env = catalog.environments().get(i.environment());
        return env == null ? "incidents" : env.channels().incidents();
    }

    /** One card and thread writer per incident at a time; a ReentrantLock, since these calls wait on chat I/O. */
    private ReentrantLock lock(String id) {
        return cardLocks.computeIfAbsent(id, k -> new ReentrantLock());
    }
}
