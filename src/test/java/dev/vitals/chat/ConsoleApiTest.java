package dev.vitals.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.ConsoleClient;
import dev.vitals.ConsoleClient.Msg;
import dev.vitals.VitalsIntegrationTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

class ConsoleApiTest extends VitalsIntegrationTest {

    @Test
    void statusListsEveryServicePerEnvironmentAndSaysPlainlyWhenNothingIsLive() {
        // given a fresh environment
        String env = dev.vitals.TestCatalog.stagingEnvironment();

        // when alice asks for its status
        String reply = console.ask("alice", "deploys", "/status " + env);

        // then every service is listed, with nothing live yet
        assertThat(reply).contains("**" + env + "**").contains("Docker ")
                .contains("• backend: nothing live yet").contains("• frontend: nothing live yet");
    }

    @Test
    void refusesAnUnknownServiceListingTheKnownOnes() {
        String reply = console.ask("alice", "deploys", "/deploy nosuch v1");
        assertThat(reply).contains("Unknown service 'nosuch'").contains("backend").contains("frontend");
    }

    @Test
    void refusesAVersionThatIsNotAnImageTag() {
        String reply = console.ask("alice", "deploys", "/deploy backend 'v1;rm'");
        assertThat(reply).containsIgnoringCase("tag");
    }

    @Test
    void helpShowsOnlyWhatTheCallerMayDo() {
        String forDave = console.ask("dave", "deploys", "/help");
        String forBob = console.ask("bob", "deploys", "/help");
        assertThat(forDave).contains("/status").doesNotContain("/deploy").doesNotContain("/lock");
        assertThat(forBob).contains("/status").contains("/deploy").contains("/approve").contains("/lock");
        // and, for everyone, the incident commands and /health
        assertThat(console.ask("erin", "deploys", "/help")).contains("/audit").contains("/maintenance")
                .contains("/incident open").contains("/health <service>");
        assertThat(forDave).contains("/incident open").contains("/health");
        assertThat(forBob).contains("/maintenance");
        assertThat(forDave).contains("/maintenance list").doesNotContain("/maintenance start");
    }

    @Test
    void refusesACommandTheCallerHasNoRoleForNamingTheRole() {
        String reply = console.ask("dave", "deploys", "/deploy backend v1.4 " + dev.vitals.TestCatalog.stagingEnvironment());
        assertThat(reply).contains("dave may not use /deploy").contains("deployer");
    }

    @Test
    void unknownUserIsForbiddenAndMalformedBodyIsABadRequest() {
        ConsoleClient.Response unknown = console.send("POST", "/console/api/messages",
                Map.of("user", "mallory", "channel", "deploys", "text", "/status"));
        ConsoleClient.Response malformed = console.send("POST", "/console/api/messages", "{not json");
        ConsoleClient.Response noText = console.send("POST", "/console/api/messages", Map.of("user", "alice",
                "channel", "deploys"));
        assertThat(unknown.status()).isEqualTo(403);
        assertThat(unknown.body()).contains("mallory").contains("alice");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(noText.status()).isEqualTo(400);
        assertThat(noText.body()).contains("text is required");
    }

    @Test
    void listsTheCatalogsUsersWithTheirRoles() {
        List<Map<String, Object>> users = console.read(console.get("/console/api/users").body(),
                new TypeReference<>() { });
        assertThat(users).extracting(u -> u.get("name")).contains("alice", "bob", "carol", "dave", "erin");
        assertThat(users.stream().filter(u -> u.get("name").equals("bob")).findFirst().orElseThrow().get("roles"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .contains("deployer", "approver", "devops-lead");
    }

    @Test
    void reactionsAreStoredAndShownWithTheMessage() {
        String id = console.say("alice", "announcements", "hello team");
        console.react("bob", id, "✅");
        console.react("carol", id, "✅");
        console.unreact("carol", id, "✅");
        Msg m = console.channel("announcements").stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        assertThat(m.reactions()).hasSize(1);
        assertThat(m.reactions().getFirst().users()).containsExactly("bob");
    }

    @Test
    void aChannelOpenedWithoutAfterShowsItsLatestMessagesAndAfterPagesOn() {
        // given more messages than one page
        String first = console.say("dave", "incidents", "note 0");
        String last = first;
        for (int i = 1; i <= 505; i++) {
            last = console.say("dave", "incidents", "note " + i);
        }
        // when the channel is opened, the latest page shows, oldest first, ending with the newest
        List<Msg> latest = console.channel("incidents");
        assertThat(latest).hasSize(500);
        assertThat(latest.getLast().id()).isEqualTo(last);
        // and paging from an id goes on from there
        List<Msg> next = console.read(console.get("/console/api/messages?channel=incidents&after=" + first).body(),
                new TypeReference<List<Msg>>() { });
        assertThat(next.getFirst().text()).isEqualTo("note 1");
    }
}
