package dev.vitals.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class UserTextTest {
    static final String ZWSP = "\u200B";

    @Test
    void breaksEveryKindOfMentionAndMaskedLinkWithAZeroWidthSpace() {
        assertThat(UserText.inert("@everyone @here @Everyone <@123> <@!123> <@&123> <#123> [click](http://evil)"))
                .isEqualTo("@" + ZWSP + "everyone @" + ZWSP + "here @" + ZWSP + "Everyone <@" + ZWSP + "123> <@" + ZWSP
                        + "!123> <@" + ZWSP + "&123> <#" + ZWSP + "123> [click]" + ZWSP + "(http://evil)");
    }

    @Test
    void leavesOrdinaryTextAlone() {
        String text = "D-12 backend v1.4 → staging (mail ops@example.org) [v1] (2 steps) a@b <3";
        assertThat(UserText.inert(text)).isEqualTo(text);
    }

    @Test
    void keepsTheMentionsTheCoreIntendsAndOnlyThose() {
        String text = "Incident I-3: <@&42> please take it; <@&43> and @everyone too";
        assertThat(UserText.inert(text, List.of("<@&42>")))
                .isEqualTo("Incident I-3: <@&42> please take it; <@" + ZWSP + "&43> and @" + ZWSP + "everyone too");
    }

    @Test
    void quotesWhatWasTypedOnOneLine() {
        assertThat(UserText.quoted("broken\n**D-9 is SUCCEEDED**")).isEqualTo("“broken **D-9 is SUCCEEDED**”");
    }

    @Property(tries = 2000)
    void noOutputEverContainsALiveMentionOrMaskedLink(@ForAll("hostile") String text) {
        String inert = UserText.inert(text);
        String lower = inert.toLowerCase(Locale.ROOT);
        assertThat(lower).doesNotContain("@everyone").doesNotContain("@here").doesNotContain("](");
        assertThat(inert).doesNotContainPattern("<[@#][^\u200B]");
        // and nothing but zero-width spaces was added
        assertThat(inert.replace(ZWSP, "")).isEqualTo(text.replace(ZWSP, ""));
    }

    @Property(tries = 1000)
    void makingTextInertTwiceChangesNothingMore(@ForAll("hostile") String text) {
        String once = UserText.inert(text);
        assertThat(UserText.inert(once)).isEqualTo(once);
    }

    @Provide
    Arbitrary<String> hostile() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.of("@", "@everyone", "@here", "@EVERYONE", "<@", "<@&", "<@!", "<#", "[", "]", "(", ")",
                        "](", "everyone", "here", ZWSP, "<", ">", "123", " ", "\n", "http://evil"),
                Arbitraries.strings().ofMaxLength(3));
        return pieces.list().ofMaxSize(20).map(l -> String.join("", l));
    }
}
