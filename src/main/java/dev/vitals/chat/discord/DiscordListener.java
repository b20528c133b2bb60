package dev.vitals.chat.discord;

import dev.vitals.chat.Caller;
import dev.vitals.chat.ChatInbound;
import dev.vitals.chat.ThreadRef;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.Origin;
import dev.vitals.chat.Suggestions;
import dev.vitals.catalog.Catalog;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.entities.emoji.Emoji;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.message.react.GenericMessageReactionEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.requests.CloseCode;
import net.dv8tion.jda.api.events.message.react.MessageReactionAddEvent;
import net.dv8tion.jda.api.events.message.react.MessageReactionRemoveEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import net.dv8tion.jda.api.interactions.commands.Command;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Component;

/**
 * What people do on Discord, handed to Vitals: slash commands (acknowledged at once with a deferred
 * reply, then run off the gateway thread), autocomplete, buttons, and ✅/❌ reactions. After a new
 * session (start, or a lost session re-identified) it registers the commands if they changed and
 * catches up on sign-off reactions added or withdrawn while it was away.
 */
@Component
@Conditional(DiscordConfigured.class)
class DiscordListener extends ListenerAdapter {
    private static final Logger log = LoggerFactory.getLogger(DiscordListener.class);
    static final List<String> SIGN_OFF = List.of("✅", "❌");

    private final ChatInbound inbound;
    private final DiscordChatPlatform platform;
    private final DiscordGateway gateway;
    private final DiscordMembers members;
    private final DiscordStore store;
    private final DiscordSettings settings;
    private final Suggestions suggestions;
    private final Catalog catalog;
    private final Clock clock;
    // Commands run in parallel; reactions, clicks and catch-up one at a time, in the order they came.
    private final ExecutorService commands = Executors.newVirtualThreadPerTaskExecutor();
    private final ExecutorService signOffs = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("vitals-discord-sign-off").daemon(true).factory());

    DiscordListener(ChatInbound inbound, DiscordChatPlatform platform, DiscordGateway gateway, DiscordMembers members,
                    DiscordStore store, DiscordSettings settings, Suggestions suggestions, Catalog catalog,
                    Clock clock) {
        this.clock = clock;
        this.inbound = inbound;
        this.platform = platform;
        this.gateway = gateway;
        this.members = members;
        this.store = store;
        this.settings = settings;
        this.suggestions = suggestions;
        this.catalog = catalog;
    }

    // ---- sessions ---------------------------------------------------------------------------------

    @Override
    public void onReady(ReadyEvent event) {
        signOffs.submit(() -> {
            registerCommands(event.getJDA().getGuildById(settings.guild()));
            catchUp();
        });
    }

    /** Discord refuses privileged intents the bot is not granted: say which switches to turn on. */
    @Override
    public void onShutdown(ShutdownEvent event) {
        if (event.getCloseCode() == CloseCode.DISALLOWED_INTENTS) {
            log.error("Discord refused the connection: the bot lacks a privileged intent. In the Developer Portal,"
                    + " under Bot, switch on \"Server Members Intent\"{}, then restart Vitals.",
                    settings.threadMessages() ? " and \"Message Content Intent\" (or set"
                            + " VITALS_DISCORD_THREAD_MESSAGES=false to go without incident-thread messages)" : "");
        }
    }

    @Override
    public void onSessionRecreate(SessionRecreateEvent event) {
        signOffs.submit(this::catchUp);
    }

    private void registerCommands(Guild guild) {
        if (guild == null) {
            log.error("The bot is not a member of the guild {} (VITALS_DISCORD_GUILD): invite it (see the README)",
                    settings.guild());
            return;
        }
        try {
            List<CommandData> definitions = SlashCommands.definitions();
            String fingerprint = SlashCommands.fingerprint(definitions);
            if (store.registeredCommands(guild.getId()).filter(fingerprint::equals).isPresent()) {
                log.info("Slash commands of guild {} are up to date", guild.getName());
                return;
            }
            guild.updateCommands().addCommands(definitions).complete();
            store.commandsRegistered(guild.getId(), fingerprint);
            log.info("Registered {} slash commands in guild {}", definitions.size(), guild.getName());
        } catch (RuntimeException e) {
            log.error("Could not register the slash commands: {}", e.getMessage());
        }
    }

    /**
     * Reads the ✅/❌ reactions on every open card and applies the difference with what was seen: a
     * reaction withdrawn while Vitals was away is withdrawn, then one added meanwhile counts — in
     * that order, so a card whose approver changed never briefly holds both approvals and starts.
     */
    void catchUp() {
        int applied = 0;
        for (DiscordStore.Card card : store.openCards()) {
            try {
                GuildMessageChannel channel = gateway.channel(card.channel());
                MessageRef ref = new MessageRef(card.messageId(), card.channel(), null);
                Map<String, Set<String>> present = new LinkedHashMap<>();
                for (String emoji : SIGN_OFF) {
                    Set<String> now = new LinkedHashSet<>();
                    for (User u : channel.retrieveReactionUsersById(card.messageId(), Emoji.fromUnicode(emoji)).complete()) {
                        if (!u.getId().equals(u.getJDA().getSelfUser().getId())) {
                            now.add(u.getId());
                        }
                    }
                    present.put(emoji, now);
                }
                for (var e : present.entrySet()) {
                    for (String gone : store.reactions(card.messageId(), e.getKey())) {
                        if (!e.getValue().contains(gone) && store.reactionGone(card.messageId(), e.getKey(), gone)) {
                            Optional<Member> member = member(channel.getGuild(), gone);
                            if (member.isPresent()) {
                                inbound.reaction(members.caller(member.get()), ref, e.getKey(), false);
                                applied++;
                            }
                        }
                    }
                }
                for (var e : present.entrySet()) {
                    for (String userId : e.getValue()) {
                        if (store.reactionSeen(card.messageId(), e.getKey(), userId)) {
                            Optional<Member> member = member(channel.getGuild(), userId);
                            if (member.isPresent()) {
                                inbound.reaction(members.caller(member.get()), ref, e.getKey(), true);
                                applied++;
                            }
                        }
                    }
                }
            } catch (RuntimeException e) {
                log.warn("Could not catch up on the reactions of card {}: {}", card.messageId(), e.getMessage());
            }
        }
        log.info("Caught up on sign-off reactions: {} applied", applied);
    }

    private static Optional<Member> member(Guild guild, String userId) {
        Member m = guild.getMemberById(userId);
        if (m != null) {
            return Optional.of(m);
        }
        try {
            return Optional.of(guild.retrieveMemberById(userId).complete());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---- commands ---------------------------------------------------------------------------------

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        Instant received = clock.instant();
        // Acknowledged at once: Discord gives 3 s, and a deploy resolves images before it answers.
        event.deferReply().queue(ok -> { }, failed -> log.warn("Could not acknowledge /{}: {}", event.getName(),
                failed.getMessage()));
        Member member = event.getMember();
        Optional<Origin> origin = origin(event.getChannel().getId(), event.getChannelType());
        String line = SlashCommands.line(event.getName(), event.getSubcommandName(),
                SlashCommands.values(event.getOptions()));
        var hook = event.getHook();
        commands.submit(() -> {
            try {
                if (member == null || origin.isEmpty()) {
                    Origin here = origin.orElse(new Origin(event.getChannel().getName(), null));
                    platform.answer(hook, received, here, event.getUser().getName(), dev.vitals.chat.Message.text(
                            "Vitals answers in the catalog's channels of this server only: "
                                    + String.join(", ", gateway.catalogChannels().keySet()) + "."), true);
                    return;
                }
                Caller caller = members.caller(member);
                inbound.command(caller, origin.get(), line, reply -> platform.answer(hook, received, origin.get(),
                        caller.name(), reply.message(), reply.privately() || reply.refused()));
            } catch (RuntimeException e) {
                log.error("Slash command {} failed", line, e);
            }
        });
    }

    /** The catalog channel (and thread) a command was typed in; empty outside the catalog's channels. */
    private Optional<Origin> origin(String channelId, ChannelType type) {
        if (type.isThread()) {
            ThreadChannel thread = gateway.guild().getThreadChannelById(channelId);
            if (thread == null) {
                return Optional.empty();
            }
            return gateway.catalogName(thread.getParentChannel().getId()).map(name -> new Origin(name, channelId));
        }
        return gateway.catalogName(channelId).map(name -> new Origin(name, null));
    }

    /** Answered off the gateway thread (versions come from the engine), well within Discord's 3 s. */
    @Override
    public void onCommandAutoCompleteInteraction(CommandAutoCompleteInteractionEvent event) {
        commands.submit(() -> event.replyChoices(choices(event)).queue(ok -> { }, failed -> { }));
    }

    private List<Command.Choice> choices(CommandAutoCompleteInteractionEvent event) {
        String focused = event.getFocusedOption().getName();
        String typed = event.getFocusedOption().getValue().toLowerCase(Locale.ROOT);
        try {
            return switch (focused) {
                case "service" -> names(catalog.services().keySet().stream(), typed);
                case "env" -> names(catalog.environments().keySet().stream(), typed);
                case "version", "to" -> {
                    var service = event.getOption("service");
                    var env = event.getOption("env");
                    yield service == null ? List.of() : suggestions.versions(service.getAsString(),
                                    env == null ? null : env.getAsString()).stream()
                            .filter(s -> s.value().toLowerCase(Locale.ROOT).contains(typed))
                            .map(s -> new Command.Choice(cut(s.label()), s.value())).limit(25).toList();
                }
                case "deployment" -> suggestions.deployments().stream()
                        .filter(s -> s.value().toLowerCase(Locale.ROOT).contains(typed))
                        .map(s -> new Command.Choice(cut(s.label()), s.value())).limit(25).toList();
                default -> List.of();
            };
        } catch (RuntimeException e) {
            log.warn("Autocomplete of {} failed: {}", focused, e.getMessage());
            return List.of();
        }
    }

    private static List<Command.Choice> names(Stream<String> names, String typed) {
        return names.filter(n -> n.toLowerCase(Locale.ROOT).contains(typed)).sorted().limit(25)
                .map(n -> new Command.Choice(n, n)).toList();
    }

    private static String cut(String label) {
        return label.length() > 100 ? label.substring(0, 99) + "…" : label;
    }

    // ---- buttons and reactions --------------------------------------------------------------------

    @Override
    public void onButtonInteraction(ButtonInteractionEvent event) {
        event.deferEdit().queue(ok -> { }, failed -> { });
        Member member = event.getMember();
        String channelId = event.getChannel().getId();
        String messageId = event.getMessageId();
        String button = event.getComponentId();
        ChannelType type = event.getChannelType();
        signOffs.submit(() -> {
            Optional<Origin> origin = origin(channelId, type);
            if (member == null || origin.isEmpty()) {
                return;
            }
            inbound.click(members.caller(member), new MessageRef(messageId, origin.get().channel(),
                    origin.get().thread()), button);
        });
    }

    /**
     * A person's plain message in a thread (an incident's, a deployment's) is handed on for its timeline,
     * in order with reactions and clicks. Messages outside threads, Vitals' own and other bots' are not.
     */
    @Override
    public void onMessageReceived(MessageReceivedEvent event) {
        if (!event.isFromGuild() || !event.getChannelType().isThread() || event.getAuthor().isBot()
                || event.isWebhookMessage()) {
            return;
        }
        String text = event.getMessage().getContentRaw();
        String threadId = event.getChannel().getId();
        inOrder("A message in thread " + threadId, threadId, event.getChannelType(), event.getGuild(),
                event.getAuthor().getId(), (origin, member) -> inbound.threadMessage(members.caller(member),
                        new ThreadRef(threadId, origin.channel()), text));
    }

    @Override
    public void onMessageReactionAdd(MessageReactionAddEvent event) {
        reaction(event, true);
    }

    @Override
    public void onMessageReactionRemove(MessageReactionRemoveEvent event) {
        reaction(event, false);
    }

    private void reaction(GenericMessageReactionEvent event, boolean added) {
        if (!event.isFromGuild() || event.getUserId().equals(event.getJDA().getSelfUser().getId())
                || event.getEmoji().getType() != Emoji.Type.UNICODE) {
            return;
        }
        String emoji = event.getEmoji().getName();
        String userId = event.getUserId();
        String messageId = event.getMessageId();
        inOrder("Reaction " + emoji + " on " + messageId, event.getChannel().getId(), event.getChannelType(),
                event.getGuild(), userId, (origin, member) -> {
                    if (SIGN_OFF.contains(emoji) && origin.thread() == null && store.isCard(messageId)) {
                        boolean changed = added ? store.reactionSeen(messageId, emoji, userId)
                                : store.reactionGone(messageId, emoji, userId);
                        if (!changed) {
                            return;
                        }
                    }
                    inbound.reaction(members.caller(member), new MessageRef(messageId, origin.channel(),
                            origin.thread()), emoji, added);
                });
    }

    /**
     * Hands {@code work} where a person did something and who they are, one at a time in the order things
     * came (reactions, thread messages); nothing when it was outside the catalog's channels or the member
     * is not known.
     */
    private void inOrder(String what, String channelId, ChannelType type, Guild guild, String userId,
                         java.util.function.BiConsumer<Origin, Member> work) {
        signOffs.submit(() -> {
            try {
                Optional<Origin> origin = origin(channelId, type);
                Optional<Member> member = member(guild, userId);
                if (origin.isPresent() && member.isPresent()) {
                    work.accept(origin.get(), member.get());
                }
            } catch (RuntimeException e) {
                log.error("{} could not be handled", what, e);
            }
        });
    }
}
