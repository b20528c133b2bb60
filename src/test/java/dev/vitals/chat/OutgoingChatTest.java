package dev.vitals.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.secrets.Secrets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class OutgoingChatTest {
    static final String ZWSP = UserText.BREAK;

    @Test
    void everyAdapterSeesRedactedInertTextAndOnlyTheIntendedMention() {
        // given an adapter wrapped as Spring wraps every ChatPlatform bean, and a registered secret
        String secret = "token-" + UUID.randomUUID();
        Secrets.register(secret);
        Recording adapter = new Recording();
        Recording wrapped = (Recording) new OutgoingChat().postProcessAfterInitialization(adapter, "recording");

        // when a feature posts text holding the secret and mentions, one of them intended, and a text file
        wrapped.post("incidents", new Message("<@&42> on call; @everyone see " + secret, List.of(),
                List.of(new Attachment("export.csv", "text/csv", ("a," + secret).getBytes(StandardCharsets.UTF_8))))
                .withIntendedMention("<@&42>"));
        wrapped.openThread(new MessageRef("1", "deploys", null), "D-1 <@&7> " + secret);

        // then the adapter got them redacted and inert, except the intended mention
        Message sent = adapter.sent.getFirst();
        assertThat(sent.text()).isEqualTo("<@&42> on call; @" + ZWSP + "everyone see [redacted]");
        assertThat(new String(sent.attachments().getFirst().content(), StandardCharsets.UTF_8)).isEqualTo("a,[redacted]");
        assertThat(adapter.threadNames).containsExactly("D-1 <@" + ZWSP + "&7> [redacted]");
    }

    static class Recording implements ChatPlatform {
        final List<Message> sent = new ArrayList<>();
        final List<String> threadNames = new ArrayList<>();

        @Override
        public MessageRef post(String channel, Message message) {
            sent.add(message);
            return new MessageRef("1", channel, null);
        }

        @Override
        public void edit(MessageRef message, Message replacement) {
            sent.add(replacement);
        }

        @Override
        public ThreadRef openThread(MessageRef message, String name) {
            threadNames.add(name);
            return new ThreadRef(message.id(), message.channel());
        }

        @Override
        public MessageRef postInThread(ThreadRef thread, Message message) {
            sent.add(message);
            return new MessageRef("2", thread.channel(), thread.id());
        }

        @Override
        public void react(MessageRef message, String emoji) {
        }
    }
}
