package dev.vitals.deploy;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.Button;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.ThreadRef;
import dev.vitals.chat.ThreadWriter;
import dev.vitals.chat.UserText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A deployment in chat: its card in the environment's deploys channel (edited in place as it moves)
 * and its thread, where every step and health transition is told. The card is composed here and only
 * here, from the deployment's record and the {@link CardSection}s other features keep. Status lines and
 * card edits follow the lifecycle's events after they committed, so chat never shows a change that was
 * rolled back; a failed narration stays an incomplete publication and is delivered again. A step's end
 * marks the card as changed directly, once the pipeline's write of it committed (the card is drawn from
 * the record when its edit is due, and the writer tries an edit again until chat takes it).
 */
@Component
class DeploymentChat {
    static final String CANCEL_BUTTON = "deployment:cancel:";

    private final ChatPlatform chat;
    private final ThreadWriter writer;
    private final DeploymentStore store;
    private final Catalog catalog;
    private final List<CardSection> sections;

    DeploymentChat(ChatPlatform chat, ThreadWriter writer, DeploymentStore store, Catalog catalog,
                   List<CardSection> sections) {
        this.chat = chat;
        this.writer = writer;
        this.store = store;
        this.catalog = catalog;
        this.sections = sections;
    }

    /**
     * Cards posted whose records are not committed yet, by card message id and by deployment id: people see
     * a card (and may react ✅ or press Approve) the moment it is posted, before the transaction that stores
     * it commits. A lookup that finds nothing waits for that commit ({@link #awaitStored}) rather than
     * ignoring them.
     */
    private final Map<String, CountDownLatch> opening = new ConcurrentHashMap<>();
    private static final Duration OPENING_WAIT = Duration.ofSeconds(10);

    /**
     * A request is being opened: from before its record is stored until {@link #stored}, lookups of it wait for
     * its card and the scheduler leaves it to its request ({@link #isOpening}).
     */
    void opening(String deploymentId) {
        opening.putIfAbsent(deploymentId, new CountDownLatch(1));
    }

    /** Whether the deployment's request is still storing its card and thread (see {@link #opening}). */
    boolean isOpening(String deploymentId) {
        return opening.containsKey(deploymentId);
    }

    /**
     * Posts the card and opens the thread of a deployment whose record does not name them yet; returns it with
     * their references. Until {@link #stored} is called for it (once the transaction that stores them ended), a
     * lookup of the deployment or its card waits for that rather than finding nothing. No database connection
     * is held meanwhile: a busy channel can keep a post waiting for its turn for seconds.
     */
    Deployment post(Deployment d) {
        String channel = catalog.environments().get(d.environment()).channels().deploys();
        Message content = card(d);
        CountDownLatch storing = opening.computeIfAbsent(d.id(), k -> new CountDownLatch(1));
        MessageRef card;
        try {
            card = chat.post(channel, content);
            opening.put(card.id(), storing);
        } catch (RuntimeException e) {
            release(d.id(), null);
            throw e;
        }
        try {
            writer.posted(card, content);
            ThreadRef thread = chat.openThread(card, threadName(d));
            return d.withChat(channel, card.id(), thread.id());
        } catch (RuntimeException e) {
            release(d.id(), card.id());
            throw e;
        }
    }

    /**
     * The transaction that stores the card and thread of {@code posted} (from {@link #post}) has ended, or ends
     * with the caller's own transaction when there is one: lookups waiting for them go on then.
     */
    void stored(Deployment posted) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    release(posted.id(), posted.cardMessage());
                }
            });
        } else {
            release(posted.id(), posted.cardMessage());
        }
    }

    private void release(String deploymentId, String cardId) {
        CountDownLatch storing = opening.remove(deploymentId);
        if (cardId != null) {
            opening.remove(cardId);
        }
        if (storing != null) {
            storing.countDown();
        }
    }

    /**
     * Waits (briefly) until the card or deployment with this id, posted by a transaction still under way, is
     * committed or rolled back. An id not known while requests are being opened may be the card of one of them
     * (a chat shows a card an instant before its post returns the id): it waits for them all. Returns at once
     * when none is being opened.
     */
    void awaitStored(String id) {
        CountDownLatch stored = opening.get(id);
        List<CountDownLatch> waits = stored != null ? List.of(stored) : opening.values().stream().distinct().toList();
        long until = System.nanoTime() + OPENING_WAIT.toNanos();
        try {
            for (CountDownLatch w : waits) {
                if (!w.await(until - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void say(Deployment d, String line) {
        // A run may have been started (by the scheduler) from a record read before its card and thread were
        // stored; the record as it is now knows the thread.
        Deployment current = d.threadId() != null ? d : store.find(d.id()).orElse(d);
        if (current.threadId() != null) {
            writer.append(new ThreadRef(current.threadId(), current.cardChannel()), line);
        }
    }

    /**
     * Marks the card as changed. It is drawn when its edit is due, from the record as it is then: a deployment
     * moving through its steps changes its card several times a second, and only the latest is ever shown.
     */
    void refreshCard(String deploymentId) {
        store.find(deploymentId).ifPresent(this::refreshCard);
    }

    /** As {@link #refreshCard(String)}, for a record at hand (read again when it does not know its card yet). */
    void refreshCard(Deployment d) {
        Deployment known = d.cardMessage() != null ? d : store.find(d.id()).orElse(d);
        if (known.cardMessage() != null) {
            writer.editCard(new MessageRef(known.cardMessage(), known.cardChannel(), null),
                    () -> store.find(known.id()).map(this::card).orElse(null));
        }
    }

    @ApplicationModuleListener
    void on(DeploymentStatusChanged e) {
        store.find(e.deploymentId()).ifPresent(d -> {
            if (e.from() != null) {
                say(d, statusLine(e));
            }
            refreshCard(d.id());
        });
    }

    private static String statusLine(DeploymentStatusChanged e) {
        String icon = switch (e.to()) {
            case SUCCEEDED -> "🟢";
            case FAILED, REJECTED, EXPIRED -> "🔴";
            case ROLLED_BACK -> "↩️";
            case CANCELLED -> "⚪";
            default -> "🔷";
        };
        return icon + " " + e.deploymentId() + " is " + e.to() + (e.actor() == null || e.actor().equals("vitals")
                ? "" : " (by " + e.actor() + ")") + (e.detail() == null ? "" : ": " + e.detail());
    }

    Message card(Deployment d) {
        List<String> lines = new ArrayList<>();
        String arrow = d.kind() == Deployment.Kind.ROLLBACK ? " ↩ rollback to " : " ";
        lines.add("**" + d.id() + "** · " + d.service() + arrow + d.version() + " → " + d.environment() + " · "
                + d.status());
        lines.add("Strategy " + d.strategy().word() + " · risk " + d.risk().word() + " · requested by "
                + d.requestedBy() + (d.previousVersion() == null ? "" : " · live before: " + d.previousVersion()));
        lines.add("Image " + d.image() + " (" + d.shortDigest() + ")");
        if (d.reason() != null && !d.reason().isBlank()) {
            lines.add("Reason: " + UserText.quoted(d.reason()));
        }
        if (d.rule() != null) {
            lines.add(d.rule());
        }
        if (d.notBefore() != null && d.status() == DeploymentStatus.SCHEDULED) {
            lines.add("Scheduled for " + d.notBefore());
        }
        for (CardSection section : sections) {
            lines.addAll(section.lines(d));
        }
        if (d.status() == DeploymentStatus.APPROVED) {
            store.lockHolder(d.service(), d.environment()).filter(holder -> !holder.equals(d.id()))
                    .ifPresent(holder -> lines.add("⏳ Waiting for " + holder + " to end: one deployment at a time in "
                            + d.environment() + "; it starts when " + holder + " releases the lock."));
        }
        List<StepRecord> steps = store.steps(d.id());
        if (!steps.isEmpty()) {
            StepRecord last = steps.getLast();
            lines.add("Step " + last.seq() + ": " + last.name() + " — " + last.status().name().toLowerCase());
            if (last.name().equals(Steps.AWAIT_WINDOW) && last.status() == StepRecord.StepStatus.RUNNING) {
                lines.add("⏸ Waiting for the maintenance window to end: the maintenance page serves " + d.service()
                        + " until then, and " + d.version() + " takes over at its end (or at /maintenance end).");
            }
        }
        if (d.status().terminal() && d.detail() != null) {
            lines.add(d.detail());
        }
        List<Button> buttons = new ArrayList<>();
        for (CardSection section : sections) {
            buttons.addAll(section.buttons(d));
        }
        if (!d.status().terminal()) {
            buttons.add(new Button(CANCEL_BUTTON + d.id(), "Cancel"));
        }
        return new Message(String.join("\n", lines), buttons);
    }

    private static String threadName(Deployment d) {
        String name = d.id() + " " + d.service() + " " + d.version() + " → " + d.environment();
        return name.length() > 100 ? name.substring(0, 100) : name;
    }
}
