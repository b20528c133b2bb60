package dev.vitals.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void replacesEveryOccurrenceOfEverySecretLongestFirst() {
        Redactor r = new Redactor();
        r.register("hunter2-abc");
        r.register("hunter2-abc-def");

        assertThat(r.redact("a hunter2-abc-def b hunter2-abc c")).isEqualTo("a [redacted] b [redacted] c");
    }

    @Test
    void leavesTextWithoutSecretsAndNullAlone() {
        Redactor r = new Redactor();
        assertThat(r.redact("nothing here")).isEqualTo("nothing here");
        r.register("s3cret-value");
        assertThat(r.redact("nothing here")).isEqualTo("nothing here");
        assertThat(r.redact(null)).isNull();
    }

    @Test
    void refusesASecretTooShortToRedactWithoutShreddingText() {
        assertThatThrownBy(() -> Secrets.register("abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 4 characters");
    }

    @Test
    void masksJdbcPasswordsInTheQueryAndInTheAuthority() {
        assertThat(Secrets.maskUrlPasswords("jdbc:postgresql://db:5432/vitals?user=vitals&password=pa55word&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/vitals?user=vitals&password=***&ssl=true");
        assertThat(Secrets.maskUrlPasswords("jdbc:postgresql://db/vitals?password=pa55word"))
                .isEqualTo("jdbc:postgresql://db/vitals?password=***");
        assertThat(Secrets.maskUrlPasswords("postgresql://vitals:pa55word@db/vitals"))
                .isEqualTo("postgresql://vitals:***@db/vitals");
    }

    @Test
    void findsThePasswordsWrittenIntoAJdbcUrl() {
        assertThat(SecretsFromEnvironment.passwordsIn("jdbc:postgresql://db/v?user=u&password=first-pw;x"))
                .containsExactly("first-pw");
        assertThat(SecretsFromEnvironment.passwordsIn("jdbc:postgresql://u:second-pw@db/v")).containsExactly("second-pw");
    }

    @Test
    void anErrorIdIsAPlainSentenceNamingTheId() {
        ErrorId id = new ErrorId("E-7f3a2c");
        assertThat(id.sentence())
                .isEqualTo("Something went wrong (error E-7f3a2c); the details are in Vitals' log under that id.");
    }

    @Property(tries = 1000)
    void noRedactedTextContainsARegisteredSecret(@ForAll("secrets") String secret, @ForAll("secrets") String other,
                                                 @ForAll("texts") String before, @ForAll("texts") String after) {
        Redactor r = new Redactor();
        r.register(secret);
        r.register(other);

        String redacted = r.redact(before + secret + after + other);

        assertThat(redacted).doesNotContain(secret).doesNotContain(other).contains(Secrets.REDACTED);
    }

    @Provide
    Arbitrary<String> secrets() {
        // Letters outside "[redacted]", so a secret is never part of the replacement itself.
        return Arbitraries.strings().withChars("ABCFGHXYZ0123456789-_!$%").ofMinLength(4).ofMaxLength(24);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("ABCXYZ01 -_\n").ofMaxLength(20);
    }
}
