package dev.vitals.chat.console;

import dev.vitals.catalog.Catalog;
import dev.vitals.chat.Attachment;
import dev.vitals.chat.Button;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.Origin;
import dev.vitals.chat.ThreadRef;
import dev.vitals.chat.console.ConsoleStore.ConsoleButton;
import dev.vitals.chat.console.ConsoleStore.NewAttachment;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/** The chat platform of the local console: messages live in PostgreSQL and are read over HTTP. */
@Component
class ConsoleChatPlatform implements ChatPlatform {
    static final String BOT = "vitals";

    private final ConsoleStore store;
    private final Set<String> channels;

    ConsoleChatPlatform(ConsoleStore store, Catalog catalog) {
        this.store = store;
        this.channels = new TreeSet<>();
        catalog.environments().values().forEach(e -> {
            channels.add(e.channels().deploys());
            channels.add(e.channels().announcements());
            channels.add(e.channels().incidents());
            channels.add(e.channels().audit());
        });
    }

    Set<String> channels() {
        return channels;
    }

    @Override
    public MessageRef post(String channel, Message message) {
        long id = store.insert(channel, null, BOT, message.text(), buttons(message), attachments(message));
        return new MessageRef(Long.toString(id), channel, null);
    }

    /** Replaces text and buttons; files stay with the message they were sent with. */
    @Override
    public void edit(MessageRef message, Message replacement) {
        store.edit(Long.parseLong(message.id()), replacement.text(), buttons(replacement));
    }

    @Override
    public ThreadRef openThread(MessageRef message, String name) {
        long id = Long.parseLong(message.id());
        store.openThread(id);
        return new ThreadRef(message.id(), message.channel());
    }

    @Override
    public MessageRef postInThread(ThreadRef thread, Message message) {
        long id = store.insert(thread.channel(), Long.parseLong(thread.id()), BOT, message.text(), buttons(message),
                attachments(message));
        return new MessageRef(Long.toString(id), thread.channel(), thread.id());
    }

    @Override
    public MessageRef postPrivately(Origin where, String user, Message message) {
        Long thread = where.thread() == null ? null : Long.parseLong(where.thread());
        long id = store.insert(where.channel(), thread, BOT, message.text(), buttons(message), attachments(message), user);
        return new MessageRef(Long.toString(id), where.channel(), where.thread());
    }

    /**
     * Vitals' answer to a command typed in the console, marked as the reply to that command's message:
     * in its thread if it was typed in one, to the one user if private, else in the channel.
     */
    MessageRef reply(Origin where, String user, boolean privately, Message message, long command) {
        Long thread = where.thread() == null ? null : Long.parseLong(where.thread());
        long id = store.insert(where.channel(), thread, BOT, message.text(), buttons(message), attachments(message),
                privately ? user : null, command);
        return new MessageRef(Long.toString(id), where.channel(), where.thread());
    }

    @Override
    public void react(MessageRef message, String emoji) {
        store.addReaction(Long.parseLong(message.id()), emoji, BOT);
    }

    private static List<NewAttachment> attachments(Message message) {
        Set<String> names = new HashSet<>();
        for (Attachment a : message.attachments()) {
            if (!names.add(a.name())) {
                // Files are addressed by message and name, so a name may appear only once per message.
                throw new IllegalArgumentException("two attachments named '" + a.name() + "' in one message");
            }
        }
        return message.attachments().stream()
                .map(a -> new NewAttachment(a.name(), a.contentType(), a.content())).toList();
    }

    private static List<ConsoleButton> buttons(Message message) {
        return message.buttons().stream().map((Button b) -> new ConsoleButton(b.id(), b.label())).toList();
    }
}
