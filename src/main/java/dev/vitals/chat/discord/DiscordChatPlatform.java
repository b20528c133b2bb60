package dev.vitals.chat.discord;

import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.Origin;
import dev.vitals.chat.ThreadRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.utils.TimeUtil;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

/**
 * The chat platform on Discord. Calls block until Discord answered. Messages and edits are paced per
 * channel by {@link ChannelPacer} within Discord's 5 per 5 s, in the order asked for; beyond that JDA's
 * rate limiter queues requests by the limits Discord's headers announce, and nothing here retries on
 * top. Message refs carry the catalog channel name, as everywhere in Vitals; threads are addressed by
 * their id.
 */
@Component
@Primary
@Conditional(DiscordConfigured.class)
class DiscordChatPlatform implements ChatPlatform, DisposableBean {
    /** How long an interaction's token is used for private answers: Discord's 15 minutes, with a margin. */
    static final Duration HOOK_LIFETIME = Duration.ofMinutes(14);

    private final DiscordGateway gateway;
    private final DiscordStore store;
    /** The latest interaction per person and place, so a private answer can be an ephemeral one. */
    private final Map<String, Hook> hooks = new ConcurrentHashMap<>();
    /** Edits waiting, per channel (or thread). */
    private final Map<String, ChannelEdits> pendingEdits = new ConcurrentHashMap<>();
    /** Discord limits edits of messages older than an hour; a few minutes' margin. */
    static final Duration EDITABLE_FOR = Duration.ofMinutes(55);
    private final ExecutorService editors = Executors.newVirtualThreadPerTaskExecutor();
    /** Discord's limit on messages and edits together, per channel (a thread is a channel of its own). */
    static final int CHANNEL_LIMIT = 5;
    static final Duration CHANNEL_WINDOW = Duration.ofSeconds(5);
    private final ChannelPacer pacer;
    private static final Logger log = LoggerFactory.getLogger(DiscordChatPlatform.class);
    private final Clock clock;

    private record Hook(InteractionHook hook, Instant at) {
    }

    DiscordChatPlatform(DiscordGateway gateway, DiscordStore store, Clock clock) {
        this.clock = clock;
        this.gateway = gateway;
        this.store = store;
        this.pacer = new ChannelPacer(clock, CHANNEL_LIMIT, CHANNEL_WINDOW);
    }

    @Override
    public MessageRef post(String channel, Message message) {
        TextChannel target = gateway.channel(channel);
        return new MessageRef(send(target, message), channel, null);
    }

    /**
     * Edits are coalesced per message and sent one at a time per channel: only the latest replacement
     * of a message is sent, and a card's final status goes before updates of cards still moving. So a
     * busy channel never queues stale edits behind Discord's per-channel limit, the caller never waits
     * for it, and a new card (a post) waits behind at most one edit.
     */
    @Override
    public void edit(MessageRef message, Message replacement) {
        if (!DiscordMessages.open(replacement)) {
            store.cardClosed(message.id());
        }
        String channel = message.thread() != null ? message.thread() : message.channel();
        ChannelEdits edits = pendingEdits.computeIfAbsent(channel, c -> new ChannelEdits());
        boolean start;
        edits.lock.lock();
        try {
            edits.pending.put(message.id(), new PendingEdit(message, replacement));
            start = !edits.running;
            edits.running = true;
        } finally {
            edits.lock.unlock();
        }
        if (start) {
            editors.submit(() -> sendEdits(edits));
        }
    }

    private static final class ChannelEdits {
        final ReentrantLock lock = new ReentrantLock();
        /** message id → its latest replacement, oldest request first. */
        final LinkedHashMap<String, PendingEdit> pending = new LinkedHashMap<>();
        boolean running;
    }

    private record PendingEdit(MessageRef ref, Message message) {
    }

    private void sendEdits(ChannelEdits edits) {
        while (true) {
            PendingEdit next;
            edits.lock.lock();
            try {
                next = edits.pending.values().stream().filter(e -> !DiscordMessages.open(e.message())).findFirst()
                        .orElse(edits.pending.isEmpty() ? null : edits.pending.values().iterator().next());
                if (next == null) {
                    edits.running = false;
                    return;
                }
                edits.pending.remove(next.ref().id());
            } finally {
                edits.lock.unlock();
            }
            try {
                sendEdit(next.ref(), next.message());
            } catch (RuntimeException e) {
                log.warn("Could not edit message {}: {}", next.ref().id(), e.getMessage());
            }
        }
    }

    /**
     * Discord caps edits of messages older than an hour: a long-lived message (a card whose deployment
     * is watched for hours) gets a fresh status message instead — in the card's thread if it has one.
     */
    private void sendEdit(MessageRef ref, Message message) {
        Instant created = TimeUtil.getTimeCreated(Long.parseUnsignedLong(ref.id())).toInstant();
        GuildMessageChannel target = gateway.where(ref.channel(), ref.thread());
        if (Duration.between(created, clock.instant()).compareTo(EDITABLE_FOR) > 0) {
            GuildMessageChannel fresh = ref.thread() == null && gateway.guild().getThreadChannelById(ref.id()) != null
                    ? gateway.thread(ref.id()) : target;
            send(fresh, message);
            return;
        }
        MessageEditData edit = DiscordMessages.edit(message);
        pacer.send(target.getId(), () -> target.editMessageById(ref.id(), edit).complete());
    }

    @Override
    public ThreadRef openThread(MessageRef message, String name) {
        TextChannel channel = gateway.channel(message.channel());
        String title = name.isBlank() ? "thread" : name.length() > 100 ? name.substring(0, 100) : name;
        ThreadChannel thread = channel.createThreadChannel(title, message.id())
                .setAutoArchiveDuration(ThreadChannel.AutoArchiveDuration.TIME_1_WEEK).complete();
        return new ThreadRef(thread.getId(), message.channel());
    }

    @Override
    public MessageRef postInThread(ThreadRef thread, Message message) {
        return new MessageRef(send(gateway.thread(thread.id()), message), thread.channel(), thread.id());
    }

    /**
     * An ephemeral answer through the person's latest interaction in that place while its token is
     * valid; otherwise a direct message. Never a public post.
     */
    @Override
    public MessageRef postPrivately(Origin where, String user, Message message) {
        Hook h = hooks.get(key(where, user));
        if (h != null && Duration.between(h.at(), clock.instant()).compareTo(HOOK_LIFETIME) < 0 && !h.hook().isExpired()) {
            String id = null;
            for (MessageCreateData part : DiscordMessages.create(message)) {
                String sent = h.hook().sendMessage(part).setEphemeral(true).complete().getId();
                id = id == null ? sent : id;
            }
            return new MessageRef(id, where.channel(), where.thread());
        }
        Member member = gateway.guild().getMembersByName(user, false).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("no Discord member named " + user
                        + " to answer privately"));
        var dm = member.getUser().openPrivateChannel().complete();
        String id = null;
        for (MessageCreateData part : DiscordMessages.create(message)) {
            String sent = pacer.send(dm.getId(), () -> dm.sendMessage(part).complete().getId());
            id = id == null ? sent : id;
        }
        return new MessageRef(id, where.channel(), where.thread());
    }

    @Override
    public void react(MessageRef message, String emoji) {
        GuildMessageChannel target = gateway.where(message.channel(), message.thread());
        if (message.thread() == null) {
            // The bot's ✅/❌ go under cards people sign off on: remembered, to catch up on after a restart.
            store.cardOpened(message.id(), target.getId(), message.channel());
        }
        target.addReactionById(message.id(), Emoji.fromUnicode(emoji)).complete();
    }

    /**
     * The answer to a slash command, through its (deferred) interaction: in place of the "thinking…"
     * reply, or — for a private answer or a refusal — as an ephemeral message only the caller sees.
     * After the interaction token's lifetime it is posted as a normal (or direct) message instead.
     */
    public void answer(InteractionHook hook, Instant receivedAt, Origin origin, String user, Message message,
                       boolean onlyToCaller) {
        remember(origin, user, hook, receivedAt);
        boolean valid = Duration.between(receivedAt, clock.instant()).compareTo(HOOK_LIFETIME) < 0 && !hook.isExpired();
        if (!valid) {
            if (onlyToCaller) {
                hooks.remove(key(origin, user));
                postPrivately(origin, user, message);
            } else {
                send(gateway.where(origin.channel(), origin.thread()), message);
            }
            return;
        }
        List<MessageCreateData> parts = DiscordMessages.create(message);
        if (onlyToCaller) {
            for (MessageCreateData part : parts) {
                hook.sendMessage(part).setEphemeral(true).complete();
            }
            hook.deleteOriginal().queue(ok -> { }, failed -> { });
            return;
        }
        hook.editOriginal(MessageEditData.fromCreateData(parts.getFirst())).complete();
        for (MessageCreateData part : parts.subList(1, parts.size())) {
            hook.sendMessage(part).complete();
        }
    }

    void remember(Origin origin, String user, InteractionHook hook, Instant at) {
        hooks.put(key(origin, user), new Hook(hook, at));
        hooks.values().removeIf(h -> Duration.between(h.at(), clock.instant()).compareTo(HOOK_LIFETIME) > 0);
    }

    private static String key(Origin origin, String user) {
        return user + "\n" + origin.channel() + "\n" + origin.thread();
    }

    private String send(GuildMessageChannel target, Message message) {
        String first = null;
        for (MessageCreateData part : DiscordMessages.create(message)) {
            String id = pacer.send(target.getId(), () -> target.sendMessage(part).complete().getId());
            first = first == null ? id : first;
        }
        return first;
    }

    @Override
    public void destroy() {
        pacer.close();
    }
}
