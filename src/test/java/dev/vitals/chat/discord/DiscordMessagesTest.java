package dev.vitals.chat.discord;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.chat.Button;
import dev.vitals.chat.Message;
import java.util.List;
import net.dv8tion.jda.api.entities.MessageEmbed;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import org.junit.jupiter.api.Test;

class DiscordMessagesTest {

    @Test
    void textIsSplitAtLineBoundariesBelowTwoThousandCharactersAndNothingIsLost() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 4500; i++) {
            text.append("line ").append(i).append(' ').append("y".repeat(i % 90)).append('\n');
        }
        String all = text.toString().strip();

        List<String> parts = MessageSplitter.split(all, 2000);

        assertThat(parts).hasSize(3).allMatch(p -> p.length() <= 2000);
        assertThat(String.join("\n", parts)).isEqualTo(all);
        assertThat(parts).allMatch(p -> !p.startsWith("\n") && !p.endsWith("\n"));
    }

    @Test
    void aSingleOverlongLineIsCutRatherThanRejected() {
        List<String> parts = MessageSplitter.split("z".repeat(4500), 2000);

        assertThat(parts).extracting(String::length).containsExactly(2000, 2000, 500);
    }

    @Test
    void aCardBecomesAnEmbedColouredByItsStatusWithItsButtonsAndFields() {
        Message card = new Message("""
                **D-7** · backend v1.4 → production · PENDING_APPROVAL
                Strategy blue-green · risk medium · requested by alice
                Reason: “db fix”
                Approvals: approver 0/1""", List.of(new Button("signoff:approve:D-7", "Approve"),
                new Button("signoff:reject:D-7", "Reject"), new Button("deployment:cancel:D-7", "Cancel")));

        List<MessageCreateData> created = DiscordMessages.create(card);

        assertThat(created).hasSize(1);
        MessageEmbed embed = created.getFirst().getEmbeds().getFirst();
        assertThat(embed.getTitle()).isEqualTo("D-7 · backend v1.4 → production · PENDING_APPROVAL");
        assertThat(embed.getColor().getRGB() & 0xFFFFFF).isEqualTo(0xF9A825);
        assertThat(embed.getFields()).extracting(MessageEmbed.Field::getName).containsExactly("Reason", "Approvals");
        assertThat(embed.getDescription()).contains("requested by alice");
        assertThat(created.getFirst().getContent()).isEmpty();
        assertThat(DiscordMessages.rows(card).getFirst().getButtons())
                .extracting(b -> b.getCustomId()).containsExactly("signoff:approve:D-7", "signoff:reject:D-7",
                        "deployment:cancel:D-7");
    }

    @Test
    void onlyIntendedMentionsMayNotify() {
        MessageCreateData plain = DiscordMessages.create(Message.text("@everyone <@&42> hello")).getFirst();
        MessageCreateData paging = DiscordMessages.create(Message.text("<@&42> P1").withIntendedMention("<@&42>")).getFirst();

        assertThat(plain.getAllowedMentions()).isEmpty();
        assertThat(plain.getMentionedRoles()).isEmpty();
        assertThat(paging.getAllowedMentions()).isEmpty();
        assertThat(paging.getMentionedRoles()).containsExactly("42");
    }
}
