package dev.vitals.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.DeployDriver;
import dev.vitals.DeployDriver.DeploymentView;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import org.junit.jupiter.api.Test;

/** What people type comes back quoted, with mentions and masked links that cannot ping or phish on Discord. */
class EchoedTextIsInertTest extends VitalsIntegrationTest {
    private static final String TYPED = "@everyone <@&123> <@!42> [click](http://evil) @here";
    /** The same text as Vitals repeats it: a zero-width space breaks each mention and the masked link. */
    private static final String INERT = "@\u200Beveryone <@\u200B&123> <@\u200B!42> [click]\u200B(http://evil) @\u200Bhere";

    @Test
    void aLockReasonWithMentionsAndAMaskedLinkIsEchoedQuotedAndInert() {
        String env = TestCatalog.stagingEnvironment();

        String locked = console.ask("bob", "deploys", "/lock backend " + env + " " + TYPED);
        String refused = console.ask("alice", "deploys", "/deploy backend v1.4 " + env);

        assertThat(locked).isEqualTo("🔒 backend in " + env + " is locked by bob: “" + INERT + "”. No deployment or"
                + " rollback runs there until /unlock backend " + env + ".");
        assertThat(refused).contains("is locked by bob: “" + INERT + "”.").doesNotContain("@everyone");
        console.ask("bob", "deploys", "/unlock backend " + env);
    }

    @Test
    void aDeploymentReasonIsShownQuotedAndInertOnTheCard() {
        String env = TestCatalog.stagingEnvironment();
        DeployDriver driver = new DeployDriver(console, runtime, catalog);

        DeploymentView d = driver.awaitEnd(driver.request("alice", "/deploy backend v1.4 " + env + " reason:\""
                + TYPED + "\""));

        String card = console.channel("deploys").stream().filter(m -> m.text().startsWith("**" + d.id() + "**"))
                .findFirst().orElseThrow().text();
        assertThat(card.lines()).contains("Reason: “" + INERT + "”");
        assertThat(card).doesNotContain("@everyone").doesNotContain("](");
    }

    @Test
    void aRefusalThatRepeatsWhatWasTypedRepeatsItInert() {
        String refused = console.ask("alice", "deploys", "/deploy @everyone v1.4");

        assertThat(refused).contains("'@\u200Beveryone'").doesNotContain("@everyone");
    }
}
