package dev.vitals.chat.discord;

import dev.vitals.chat.Attachment;
import dev.vitals.chat.Message;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.dv8tion.jda.api.EmbedBuilder;
import net.dv8tion.jda.api.components.actionrow.ActionRow;
import net.dv8tion.jda.api.components.buttons.Button;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageCreateBuilder;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

/**
 * A {@link Message} as Discord takes it. A deployment card (its first line carries the id and the
 * status word) becomes an embed coloured by its status, with the card's buttons as Discord buttons
 * whose ids are the card's own (persisted by the core, so clicks after a restart still land). Other
 * text goes as content of at most 2000 characters, split at line boundaries; text longer than a few
 * messages is sent as a file with its first lines shown. Only the message's intended mentions may
 * notify anyone.
 */
final class DiscordMessages {
    static final int MAX_CONTENT = 2000;
    /** Longer text is attached as a file rather than posted as a wall of messages. */
    static final int MAX_SPLIT_PARTS = 3;
    private static final Pattern CARD = Pattern.compile("\\*\\*([A-Z]-\\d+)\\*\\*(.*) · ([A-Z_]+)");
    private static final Pattern FIELD = Pattern.compile("([A-Z][A-Za-z -]{0,30}): (.+)");
    private static final Pattern ROLE_MENTION = Pattern.compile("<@&(\\d+)>");
    private static final Pattern USER_MENTION = Pattern.compile("<@!?(\\d+)>");

    private DiscordMessages() {
    }

    /** One or more messages to post, in order; buttons and files go with the first. */
    static List<MessageCreateData> create(Message m) {
        List<MessageCreateData> out = new ArrayList<>();
        Optional<MessageEmbed> card = card(m.text());
        if (card.isPresent()) {
            MessageCreateBuilder b = new MessageCreateBuilder().setEmbeds(card.get()).setComponents(rows(m));
            files(b, m.attachments());
            out.add(mentions(b, m).build());
            return out;
        }
        List<String> parts = MessageSplitter.split(m.text(), MAX_CONTENT);
        List<Attachment> files = new ArrayList<>(m.attachments());
        if (parts.size() > MAX_SPLIT_PARTS) {
            // A log is read as a file: the head in chat, everything in the attachment.
            files.add(new Attachment("message.txt", "text/plain", m.text().getBytes(StandardCharsets.UTF_8)));
            String head = parts.getFirst();
            parts = List.of(MessageSplitter.split(head, MAX_CONTENT - 60).getFirst()
                    + "\n… (" + m.text().length() + " characters in total: see message.txt)");
        }
        for (int i = 0; i < parts.size(); i++) {
            MessageCreateBuilder b = new MessageCreateBuilder().setContent(parts.get(i));
            if (i == 0) {
                b.setComponents(rows(m));
                files(b, files);
            }
            out.add(mentions(b, m).build());
        }
        return out;
    }

    /** The replacement of a message: edits carry no files; text beyond one message is cut (cards are embeds). */
    static MessageEditData edit(Message m) {
        MessageEditBuilder b = new MessageEditBuilder().setComponents(rows(m));
        Optional<MessageEmbed> card = card(m.text());
        if (card.isPresent()) {
            b.setEmbeds(card.get()).setContent(null);
        } else {
            String text = m.text();
            b.setContent(text.length() > MAX_CONTENT ? MessageSplitter.split(text, MAX_CONTENT - 1).getFirst() + "…"
                    : text).setEmbeds(List.of());
        }
        b.setAllowedMentions(EnumSet.noneOf(net.dv8tion.jda.api.entities.Message.MentionType.class));
        b.mentionRoles(ids(ROLE_MENTION, m.mentions())).mentionUsers(ids(USER_MENTION, m.mentions()));
        return b.build();
    }

    private static MessageCreateBuilder mentions(MessageCreateBuilder b, Message m) {
        EnumSet<net.dv8tion.jda.api.entities.Message.MentionType> parse =
                EnumSet.noneOf(net.dv8tion.jda.api.entities.Message.MentionType.class);
        if (m.mentions().stream().anyMatch(s -> s.equals("@everyone") || s.equals("@here"))) {
            parse.add(net.dv8tion.jda.api.entities.Message.MentionType.EVERYONE);
            parse.add(net.dv8tion.jda.api.entities.Message.MentionType.HERE);
        }
        return b.setAllowedMentions(parse).mentionRoles(ids(ROLE_MENTION, m.mentions()))
                .mentionUsers(ids(USER_MENTION, m.mentions()));
    }

    private static List<String> ids(Pattern p, List<String> mentions) {
        List<String> ids = new ArrayList<>();
        for (String mention : mentions) {
            Matcher matcher = p.matcher(mention);
            if (matcher.matches()) {
                ids.add(matcher.group(1));
            }
        }
        return ids;
    }

    private static void files(MessageCreateBuilder b, List<Attachment> attachments) {
        if (!attachments.isEmpty()) {
            b.setFiles(attachments.stream().map(a -> FileUpload.fromData(a.content(), a.name())).toList());
        }
    }

    static List<ActionRow> rows(Message m) {
        List<Button> buttons = m.buttons().stream().limit(25).map(DiscordMessages::button).toList();
        List<ActionRow> rows = new ArrayList<>();
        for (int i = 0; i < buttons.size(); i += 5) {
            rows.add(ActionRow.of(buttons.subList(i, Math.min(i + 5, buttons.size()))));
        }
        return rows;
    }

    private static Button button(dev.vitals.chat.Button b) {
        String id = b.id().toLowerCase(Locale.ROOT);
        String label = b.label().length() > 80 ? b.label().substring(0, 79) + "…" : b.label();
        if (id.contains("approve")) {
            return Button.success(b.id(), label);
        }
        if (id.contains("reject") || id.contains("cancel")) {
            return Button.danger(b.id(), label);
        }
        return Button.secondary(b.id(), label);
    }

    /** A card: the embed, when the first line carries an id in bold and a status word at its end. */
    static Optional<MessageEmbed> card(String text) {
        int nl = text.indexOf('\n');
        String first = nl < 0 ? text : text.substring(0, nl);
        Matcher m = CARD.matcher(first);
        if (!m.matches()) {
            return Optional.empty();
        }
        EmbedBuilder e = new EmbedBuilder();
        e.setTitle(cut(first.replace("**", ""), MessageEmbed.TITLE_MAX_LENGTH));
        e.setColor(colour(m.group(3)));
        StringBuilder description = new StringBuilder();
        int fields = 0;
        int total = first.length();
        for (String line : nl < 0 ? List.<String>of() : List.of(text.substring(nl + 1).split("\n"))) {
            Matcher f = FIELD.matcher(line);
            if (f.matches() && fields < 25 && f.group(2).length() <= MessageEmbed.VALUE_MAX_LENGTH
                    && total + line.length() < 5500) {
                e.addField(f.group(1), f.group(2), false);
                fields++;
                total += line.length();
            } else if (!line.isBlank()) {
                description.append(line).append('\n');
            }
        }
        int room = Math.min(MessageEmbed.DESCRIPTION_MAX_LENGTH, MessageEmbed.EMBED_MAX_LENGTH_BOT - total - 10);
        if (!description.isEmpty()) {
            e.setDescription(cut(description.toString().strip(), room));
        }
        return Optional.of(e.build());
    }

    static Color colour(String status) {
        return switch (status) {
            case "SUCCEEDED" -> new Color(0x2E7D32);
            case "FAILED", "REJECTED", "EXPIRED" -> new Color(0xC62828);
            case "ROLLED_BACK" -> new Color(0xEF6C00);
            case "CANCELLED" -> new Color(0x757575);
            case "RUNNING" -> new Color(0x1565C0);
            case "PENDING_APPROVAL" -> new Color(0xF9A825);
            default -> new Color(0x5C6BC0);
        };
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "…";
    }

    /** Whether a card's replacement still waits for people (it has buttons); a finished card has none. */
    static boolean open(Message m) {
        return !m.buttons().isEmpty();
    }
}
