package dev.vitals.chat.discord;

import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.Origin;
import dev.vitals.chat.ThreadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

/**
 * The chat platform on Discord. Calls block until Discord answered (JDA's rate limiter queues them
 * by the limits Discord's headers announce; nothing here retries on top). Message refs carry the
 * catalog channel name, as everywhere in Vitals; threads are addressed by their id.
 */
@Component
@Primary
@Conditional(DiscordConfigured.class)
class DiscordChatPlatform implements ChatPlatform {
    /** How long an interaction's token is used for private answers: Discord's 15 minutes, with a margin. */
    static final Duration HOOK_LIFETIME = Duration.ofMinutes(14);

    private final DiscordGateway gateway;
    private final DiscordStore store;
    /** The latest interaction per person and place, so a private answer can be an ephemeral one. */
    private final Map<String, Hook> hooks = new ConcurrentHashMap<>();
    /** message id → the latest replacement not yet sent (or sent, while its request is in flight). */
    private final Map<String, PendingEdit> pendingEdits = new java.util.HashMap<>();
    private final java.util.concurrent.ExecutorService editors = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DiscordChatPlatform.class);

    private record Hook(InteractionHook hook, Instant at) {
    }

    DiscordChatPlatform(DiscordGateway gateway, DiscordStore store) {
        this.gateway = gateway;
        this.store = store;
    }

    @Override
    public MessageRef post(String channel, Message message) {
        TextChannel target = gateway.channel(channel);
        return new MessageRef(send(target, message), channel, null);
    }

    /**
     * Edits are coalesced per message: only the latest replacement waiting for a message is sent, after
     * the one in flight, so a busy card never queues stale edits behind Discord's per-channel limit (and
     * a slow channel never holds up the caller).
     */
    @Override
    public void edit(MessageRef message, Message replacement) {
        boolean start;
        synchronized (pendingEdits) {
            start = !pendingEdits.containsKey(message.id());
            pendingEdits.put(message.id(), new PendingEdit(message, replacement));
        }
        if (!DiscordMessages.open(replacement)) {
            store.cardClosed(message.id());
        }
        if (start) {
            editors.submit(() -> sendEdits(message.id()));
        }
    }

    private void sendEdits(String messageId) {
        while (true) {
            PendingEdit next;
            synchronized (pendingEdits) {
                next = pendingEdits.get(messageId);
                if (next == null || next.sent()) {
                    pendingEdits.remove(messageId);
                    return;
                }
                pendingEdits.put(messageId, next.asSent());
            }
            try {
                GuildMessageChannel target = gateway.where(next.ref().channel(), next.ref().thread());
                target.editMessageById(messageId, DiscordMessages.edit(next.message())).complete();
            } catch (RuntimeException e) {
                log.warn("Could not edit message {}: {}", messageId, e.getMessage());
            }
        }
    }

    private record PendingEdit(MessageRef ref, Message message, boolean sent) {
        PendingEdit(MessageRef ref, Message message) {
            this(ref, message, false);
        }

        PendingEdit asSent() {
            return new PendingEdit(ref, message, true);
        }
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
        if (h != null && Duration.between(h.at(), Instant.now()).compareTo(HOOK_LIFETIME) < 0 && !h.hook().isExpired()) {
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
            String sent = dm.sendMessage(part).complete().getId();
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
        boolean valid = Duration.between(receivedAt, Instant.now()).compareTo(HOOK_LIFETIME) < 0 && !hook.isExpired();
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
        hooks.values().removeIf(h -> Duration.between(h.at(), Instant.now()).compareTo(HOOK_LIFETIME) > 0);
    }

    private static String key(Origin origin, String user) {
        return user + "\n" + origin.channel() + "\n" + origin.thread();
    }

    private static String send(GuildMessageChannel target, Message message) {
        String first = null;
        for (MessageCreateData part : DiscordMessages.create(message)) {
            String id = target.sendMessage(part).complete().getId();
            first = first == null ? id : first;
        }
        return first;
    }
}
