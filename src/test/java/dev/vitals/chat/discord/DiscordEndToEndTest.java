package dev.vitals.chat.discord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.TestCatalog;
import dev.vitals.catalog.Catalog;
import dev.vitals.deploy.ContainerRuntime;
import dev.vitals.chat.ChatPlatform;
import dev.vitals.chat.Message;
import dev.vitals.chat.MessageRef;
import dev.vitals.chat.ThreadRef;
import dev.vitals.deploy.ContainerRuntime.ContainerInfo;
import dev.vitals.deploy.Deployment;
import dev.vitals.deploy.DeploymentStatus;
import dev.vitals.deploy.Deployments;
import dev.vitals.deploy.Labels;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Vitals on Discord, end to end: the real application and the real JDA against the in-process fake
 * Discord (which enforces Discord's rules), the real Docker engine and an embedded PostgreSQL.
 */
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DiscordEndToEndTest {
    static final String TOKEN = "MTA-fake-bot-token." + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    static final FakeDiscord discord = new FakeDiscord(TOKEN, List.of("deploys", "announcements", "incidents", "random"),
            List.of("Deployers", "Approvers", "DevOps Leads", "Clinical"));
    static final FakeDiscord.Member alice = discord.member("alice", "Deployers");
    static final FakeDiscord.Member bob = discord.member("bob", "Deployers", "Approvers", "DevOps Leads");
    static final FakeDiscord.Member dave = discord.member("dave");
    private static final Pattern ID = Pattern.compile("\\b(D-\\d+)\\b");
    private static final Pattern INCIDENT = Pattern.compile("\\b(I-\\d+)\\b");
    static final String API_TOKEN = "api-token-beside-discord-4c9e1b7a02";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    Catalog catalog;
    @Autowired
    ContainerRuntime runtime;
    @Autowired
    Deployments deployments;
    @Autowired
    ChatPlatform chat;

    @DynamicPropertySource
    static void discord(DynamicPropertyRegistry registry) {
        // As VitalsIntegrationTest, but a context (and an embedded PostgreSQL) of its own beside the shared one.
        registry.add("vitals.catalog", () -> TestCatalog.file().toAbsolutePath().toString());
        registry.add("vitals.data-dir", () -> java.nio.file.Path.of("target", "test-" + TestCatalog.RUN, "discord")
                .toAbsolutePath().toString());
        registry.add("vitals.embedded-database.fresh", () -> "true");
        registry.add("vitals.scheduler-interval", () -> "1s");
        registry.add("vitals.reconcile-interval", () -> "1s");
        registry.add("vitals.event-retry-interval", () -> "2s");
        registry.add("DISCORD_TOKEN", () -> TOKEN);
        registry.add("VITALS_DISCORD_GUILD", () -> discord.guildId);
        registry.add("VITALS_DISCORD_API_URL", discord::apiUrl);
        registry.add("VITALS_DISCORD_GATEWAY_URL", discord::gatewayUrl);
        registry.add("vitals.discord.roles.deployer[0]", () -> "Deployers");
        registry.add("vitals.discord.roles.approver[0]", () -> "Approvers");
        registry.add("vitals.discord.roles.devops-lead[0]", () -> discord.roleId("DevOps Leads"));
        registry.add("vitals.discord.roles.clinical-approver[0]", () -> "Clinical");
        registry.add("vitals.api-token", () -> API_TOKEN);
    }

    @AfterAll
    static void giveBackEnvironments() {
        TestCatalog.releaseEnvironments();
    }

    @BeforeEach
    void imagesBuilt() {
        var engine = catalog.environments().get(TestCatalog.RUN + "-s1").engine();
        // The images are built in the background at start; wait for them rather than race them.
        await().atMost(Duration.ofMinutes(2)).until(() -> catalog.localImages().stream()
                .allMatch(i -> runtime.image(engine, i.ref()).isPresent()));
    }

    @Test
    @Order(1)
    void logsInAndRegistersTheWholeGrammarAsSlashCommandsWithOneBulkOverwrite() {
        await().atMost(Duration.ofSeconds(30)).until(() -> discord.registeredCommands() != null);

        assertThat(discord.identifies.get()).isGreaterThanOrEqualTo(1);
        assertThat(discord.requests("PUT", "applications/\\d+/guilds/\\d+/commands")).hasSize(1);
        List<String> names = new ArrayList<>();
        discord.registeredCommands().forEach(c -> names.add(c.path("name").asString()));
        assertThat(names).containsExactly("deploy", "rollback", "approve", "reject", "cancel", "status", "health",
                "history", "lock", "unlock", "maintenance", "incident", "audit", "help");
        JsonNode deploy = discord.registeredCommands().get(0);
        assertThat(deploy.path("options").get(1).path("name").asString()).isEqualTo("version");
        assertThat(deploy.path("options").get(1).path("autocomplete").asBoolean()).isTrue();
    }

    @Test
    @Order(2)
    void deployToStagingByADeployerGetsADeferredReplyACardAndAThreadWithItsStepsAndRunsOnTheEngine() {
        String env = TestCatalog.stagingEnvironment();
        awaitConnected();

        FakeDiscord.Interaction typed = discord.slash(alice, "deploys", "deploy", null,
                Map.of("service", "backend", "version", "v1.4", "env", env));

        String id = deploymentIn(typed);
        assertThat(typed.deferred()).as("acknowledged with a deferred reply").isTrue();
        assertThat(typed.ackRefused).isFalse();
        Deployment done = awaitEnd(id);
        assertThat(done.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        FakeDiscord.Msg card = card(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> title(card).endsWith("SUCCEEDED"));
        assertThat(card.embeds().get(0).path("color").asInt()).isEqualTo(0x2E7D32);
        assertThat(discord.hasThread(card.id)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> threadText(card.id).contains(id + " is SUCCEEDED"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threadText(card.id))
                .as("posts to the thread: %s", discord.requests("POST", "channels/" + card.id + "/messages"))
                .contains("▶ preflight"));
        List<ContainerInfo> live = runtime.containers(catalog.environments().get(env).engine(),
                Map.of(Labels.ENVIRONMENT, env, Labels.SERVICE, "backend"));
        assertThat(live).anyMatch(c -> c.running() && "v1.4".equals(c.labels().get(Labels.VERSION)));
        // and the live version is marked where people pick a version
        FakeDiscord.Interaction completing = discord.autocomplete(alice, "deploys", "deploy",
                orderedMap("service", "backend", "version", "", "env", env), "version");
        await().atMost(Duration.ofSeconds(10)).until(() -> completing.callbackType == 8);
        assertThat(choiceNames(completing)).contains("v1.4 (live in " + env + ")");
    }

    @Test
    @Order(3)
    void autocompleteOffersTheBuiltDemoVersionsNewestFirst() {
        String env = TestCatalog.stagingEnvironment();
        awaitConnected();

        FakeDiscord.Interaction completing = discord.autocomplete(alice, "deploys", "deploy",
                orderedMap("service", "backend", "version", "v1", "env", env), "version");

        await().atMost(Duration.ofSeconds(10)).until(() -> completing.callbackType == 8);
        assertThat(choiceValues(completing)).containsExactly("v1.6-broken", "v1.5", "v1.4", "v1.3");
        FakeDiscord.Interaction services = discord.autocomplete(alice, "deploys", "deploy",
                orderedMap("service", "fro"), "service");
        await().atMost(Duration.ofSeconds(10)).until(() -> services.callbackType == 8);
        assertThat(choiceValues(services)).containsExactly("frontend");
    }

    @Test
    @Order(3)
    void aDeployOfAVersionNotOnTheEngineIsRefusedToTheRequesterAloneSayingWhatIsThere() {
        String env = TestCatalog.stagingEnvironment();
        awaitConnected();

        FakeDiscord.Interaction typed = discord.slash(alice, "deploys", "deploy", null,
                Map.of("service", "backend", "version", "v9.9", "env", env));

        await().atMost(Duration.ofSeconds(30)).until(() -> !typed.followUps.isEmpty());
        assertThat(typed.followUps.getFirst().ephemeral).isTrue();
        assertThat(typed.followUps.getFirst().content()).contains("Cannot deploy backend v9.9").contains("v1.5");
        await().atMost(Duration.ofSeconds(10)).until(() -> typed.originalDeleted);
    }

    @Test
    @Order(4)
    void productionDeployStartsOnAnApproversTickWhileTheRequestersTickIsIgnoredAndAViewerIsAnsweredPrivately() {
        String env = TestCatalog.productionEnvironment();
        awaitConnected();
        String id = deploymentIn(discord.slash(alice, "deploys", "deploy", null,
                Map.of("service", "backend", "version", "v1.4", "env", env)));
        FakeDiscord.Msg card = card(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> card.reactions.getOrDefault("✅", java.util.Set.of())
                .contains(discord.botId));
        assertThat(title(card)).endsWith("PENDING_APPROVAL");
        assertThat(card.buttonIds()).anyMatch(b -> b.contains("approve"));

        // the requester's own tick does not count
        discord.react(alice, card, "✅");
        await().atMost(Duration.ofSeconds(15)).until(() -> threadText(card.id).contains("alice"));
        assertThat(deployments.find(id).orElseThrow().status()).isEqualTo(DeploymentStatus.PENDING_APPROVAL);

        // a viewer's /approve is refused to the viewer alone
        FakeDiscord.Interaction refused = discord.slash(dave, "deploys", "approve", null, Map.of("deployment", id));
        await().atMost(Duration.ofSeconds(15)).until(() -> !refused.followUps.isEmpty());
        assertThat(refused.followUps.getFirst().ephemeral).isTrue();
        assertThat(refused.followUps.getFirst().content()).contains("approver");
        await().atMost(Duration.ofSeconds(10)).until(() -> refused.originalDeleted);

        // an approver's tick starts it
        discord.react(bob, card, "✅");
        Deployment done = awaitEnd(id);
        assertThat(done.status()).isEqualTo(DeploymentStatus.SUCCEEDED);
        await().atMost(Duration.ofSeconds(30)).until(() -> title(card).endsWith("SUCCEEDED"));
    }

    @Test
    @Order(5)
    void aTickAddedWhileTheGatewayWasDownIsAppliedAfterTheReconnect() {
        String env = TestCatalog.productionEnvironment();
        awaitConnected();
        String id = deploymentIn(discord.slash(alice, "deploys", "deploy", null,
                Map.of("service", "backend", "version", "v1.3", "env", env)));
        FakeDiscord.Msg card = card(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> card.reactions.getOrDefault("✅", java.util.Set.of())
                .contains(discord.botId));
        int identified = discord.identifies.get();

        discord.dropGateway(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> !discord.connected());
        discord.react(bob, card, "✅");
        assertThat(deployments.find(id).orElseThrow().status()).isEqualTo(DeploymentStatus.PENDING_APPROVAL);
        discord.gatewayUp();

        await().atMost(Duration.ofSeconds(60)).until(() -> discord.identifies.get() > identified);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                deployments.find(id).orElseThrow().status() != DeploymentStatus.PENDING_APPROVAL);
        assertThat(awaitEnd(id).status()).isEqualTo(DeploymentStatus.SUCCEEDED);
    }

    @Test
    @Order(6)
    void aFiveThousandCharacterLogIsSplitOrAttachedNeverRejected() {
        awaitConnected();
        StringBuilder log = new StringBuilder();
        for (int i = 0; log.length() < 5000; i++) {
            log.append("line ").append(i).append(": migration output ").append("x".repeat(40)).append('\n');
        }
        int before = discord.messagesIn("announcements").size();

        MessageRef posted = chat.post("announcements", Message.text(log.toString()));
        ThreadRef thread = chat.openThread(posted, "long log");
        chat.postInThread(thread, Message.text(log.toString().repeat(4)));

        List<FakeDiscord.Msg> inChannel = discord.messagesIn("announcements").subList(before,
                discord.messagesIn("announcements").size());
        assertThat(inChannel).hasSizeBetween(3, 3).allMatch(m -> m.content().length() <= 2000);
        assertThat(String.join("\n", inChannel.stream().map(FakeDiscord.Msg::content).toList()))
                .isEqualTo(log.toString().stripTrailing());
        List<FakeDiscord.Msg> inThread = discord.messagesInThread(thread.id());
        assertThat(inThread).hasSize(1);
        assertThat(inThread.getFirst().files).containsExactly("message.txt");
        assertThat(discord.violations).noneMatch(v -> v.startsWith("rejected"));
    }

    @Test
    @Order(7)
    void everyoneInAReasonNotifiesNobody() {
        String env = TestCatalog.productionEnvironment();
        awaitConnected();

        String id = deploymentIn(discord.slash(alice, "deploys", "deploy", null,
                Map.of("service", "backend", "version", "v1.5", "env", env, "reason", "@everyone <@&"
                        + discord.roleId("Approvers") + "> please look")));

        FakeDiscord.Msg card = card(id);
        assertThat(card.text()).contains("everyone");
        assertThat(discord.allMessages()).allMatch(m -> m.notified.isEmpty(), "no message notified anyone");
    }

    @Test
    @Order(8)
    void anIntendedOnCallPingNotifiesThatRoleAndNobodyElse() {
        awaitConnected();
        String onCall = "<@&" + discord.roleId("Approvers") + ">";

        chat.post("incidents", Message.text(onCall + " P1 opened on backend; @everyone <@" + alice.id() + "> said so")
                .withIntendedMention(onCall));

        FakeDiscord.Msg paged = discord.messagesIn("incidents").getLast();
        assertThat(paged.notified).containsExactly(onCall);
    }

    @Test
    @Order(8)
    void aPrivateAnswerWithoutAnInteractionIsADirectMessageNeverAPost() {
        awaitConnected();
        int inChannel = discord.messagesIn("announcements").size();

        chat.postPrivately(new dev.vitals.chat.Origin("announcements", null), "dave", Message.text("for dave only"));

        assertThat(discord.directMessagesTo(dave)).extracting(FakeDiscord.Msg::content).containsExactly("for dave only");
        assertThat(discord.messagesIn("announcements")).hasSize(inChannel);
    }

    @Test
    @Order(8)
    void whatPeopleWriteInAnIncidentsThreadGoesIntoItsTimelineAndNothingOutsideIt() throws Exception {
        String env = TestCatalog.productionEnvironment();
        awaitConnected();
        // given an incident opened on Discord, with its card and thread in #incidents
        FakeDiscord.Interaction typed = discord.slash(bob, "incidents", "incident", "open",
                Map.of("severity", "P3", "title", "Checkout slow", "service", "backend", "env", env));
        await().atMost(Duration.ofSeconds(30)).until(() -> typed.original != null
                && INCIDENT.matcher(typed.original.content()).find() || !typed.followUps.isEmpty());
        String answer = typed.original != null ? typed.original.content() : typed.followUps.getFirst().content();
        Matcher m = INCIDENT.matcher(answer);
        assertThat(m.find()).as("an incident id in the answer: " + answer).isTrue();
        String id = m.group(1);
        FakeDiscord.Msg card = await().atMost(Duration.ofSeconds(30)).until(() -> discord.messagesIn("incidents")
                .stream().filter(c -> c.text().contains(id) && discord.hasThread(c.id)).findFirst().orElse(null),
                found -> found != null);

        // when alice writes in its thread (a mention and a masked link among it), and dave in the channel
        discord.say(alice, card.id, "Flushed the cache at 14:02 @everyone [docs](https://evil.example)");
        discord.say(dave, discord.channelId("incidents"), "lunch anyone?");

        // then the timeline keeps alice's words, inert, and not dave's
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofSeconds(30)).until(() -> incident(http, base, id).contains("Flushed the cache"));
        String timeline = incident(http, base, id);
        assertThat(timeline).contains("alice: Flushed the cache at 14:02").doesNotContain("@everyone")
                .doesNotContain("lunch anyone");
    }

    private static String incident(HttpClient http, String base, String id) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/incidents/" + id))
                .header("Authorization", "Bearer " + API_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    @Order(9)
    void aMemberGivenTheApproverRoleOnDiscordMayApproveAtOnce() {
        String env = TestCatalog.productionEnvironment();
        awaitConnected();
        String id = deploymentIn(discord.slash(alice, "deploys", "deploy", null,
                Map.of("service", "backend", "version", "v1.3", "env", env)));
        FakeDiscord.Msg card = card(id);
        await().atMost(Duration.ofSeconds(30)).until(() -> card.reactions.getOrDefault("✅", java.util.Set.of())
                .contains(discord.botId));

        FakeDiscord.Member promoted = discord.changeRoles(dave, "Approvers");
        discord.react(promoted, card, "✅");

        await().atMost(Duration.ofSeconds(30)).until(() ->
                deployments.find(id).orElseThrow().status() != DeploymentStatus.PENDING_APPROVAL);
        assertThat(deployments.find(id).orElseThrow().status()).isNotIn(DeploymentStatus.REJECTED,
                DeploymentStatus.CANCELLED, DeploymentStatus.EXPIRED);
    }

    @Test
    @Order(9)
    void postsAndEditsBeyondFivePerFiveSecondsInOneChannelGoOutInTheOrderAskedWithoutA429() {
        awaitConnected();
        String channelId = discord.channelId("random");
        int limitedBefore = discord.tooManyRequests.get();

        // when five posts fill the channel's window, each is then edited (the first edit JDA makes in this
        // channel, so it cannot know yet that edits share the posts' bucket), and a sixth post and its edit
        // follow: twelve messages and edits in one channel, where Discord allows 5 per 5 s
        List<MessageRef> posted = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            posted.add(chat.post("random", Message.text("pace " + i)));
        }
        posted.forEach(ref -> chat.edit(ref, Message.text(discord.message(ref.id()).content() + " edited")));
        posted.add(chat.post("random", Message.text("pace 6")));
        chat.edit(posted.getLast(), Message.text("pace 6 edited"));

        // then every message and edit arrives, in the order asked, and Discord never answered 429
        await().atMost(Duration.ofSeconds(60)).until(() -> discord.messagesIn("random").size() == 6
                && discord.messagesIn("random").stream().allMatch(m -> m.content().endsWith(" edited")));
        assertThat(discord.messagesIn("random")).extracting(FakeDiscord.Msg::content).containsExactly(
                "pace 1 edited", "pace 2 edited", "pace 3 edited", "pace 4 edited", "pace 5 edited", "pace 6 edited");
        Pattern content = Pattern.compile("\"content\":\"([^\"]*)\"");
        List<String> sent = discord.requests.stream().filter(r -> r.path().startsWith("channels/" + channelId + "/messages"))
                .map(r -> {
                    Matcher c = content.matcher(r.body());
                    return r.status() + " " + r.method() + " " + (c.find() ? c.group(1) : "");
                }).toList();
        assertThat(sent).hasSize(12).allMatch(r -> r.startsWith("200 "), "answered without a 429")
                .containsSubsequence("200 POST pace 1", "200 POST pace 2", "200 POST pace 3", "200 POST pace 4",
                        "200 POST pace 5", "200 PATCH pace 1 edited", "200 PATCH pace 2 edited", "200 PATCH pace 3 edited",
                        "200 PATCH pace 4 edited", "200 PATCH pace 5 edited")
                .containsSubsequence("200 POST pace 6", "200 PATCH pace 6 edited");
        assertThat(discord.tooManyRequests.get()).isEqualTo(limitedBefore);
        assertThat(discord.violations).noneMatch(v -> v.contains(channelId));
    }

    @Test
    @Order(10)
    void twentyConcurrentDeploymentsCauseNoRateLimitAndEveryFinalStatusReachesItsCard() {
        List<String> envs = IntStream.range(0, 20).mapToObj(i -> TestCatalog.stagingEnvironment()).toList();
        awaitConnected();
        int limitedBefore = discord.tooManyRequests.get();

        List<FakeDiscord.Interaction> typed = envs.stream().map(env -> discord.slash(bob, "deploys", "deploy", null,
                Map.of("service", "backend", "version", "v1.5", "env", env))).toList();

        List<String> ids = typed.stream().map(this::deploymentIn).toList();
        Duration worst = Duration.ZERO;
        int reached = 0;
        for (String id : ids) {
            Deployment done = awaitEnd(id);
            FakeDiscord.Msg card = card(id);
            String word = done.status().name();
            await().atMost(Duration.ofSeconds(120)).until(() -> card.firstShowing(" · " + word).isPresent());
            Duration lag = Duration.between(done.finishedAt(), card.firstShowing(" · " + word).orElseThrow());
            worst = lag.compareTo(worst) > 0 ? lag : worst;
            reached++;
        }
        System.out.println("20 concurrent deployments: final status on " + reached + " of 20 cards, worst lag " + worst
                + ", 429s: " + (discord.tooManyRequests.get() - limitedBefore));
        assertThat(reached).isEqualTo(20);
        assertThat(discord.tooManyRequests.get()).isEqualTo(limitedBefore).isZero();
    }

    @Test
    @Order(11)
    void autocompleteOffersOpenDeploymentsBeforeFinishedOnes() {
        awaitConnected();

        FakeDiscord.Interaction completing = discord.autocomplete(bob, "deploys", "approve",
                orderedMap("deployment", "D-"), "deployment");

        await().atMost(Duration.ofSeconds(10)).until(() -> completing.callbackType == 8);
        List<Boolean> open = choiceValues(completing).stream()
                .map(id -> !deployments.find(id).orElseThrow().status().terminal()).toList();
        assertThat(open).contains(true, false);
        assertThat(open.indexOf(false)).isGreaterThan(open.lastIndexOf(true));
    }

    @Test
    @Order(12)
    void besideDiscordTheDashboardOpensReadOnlyToTheApiTokenSignedInAndTheConsoleStaysOff() throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String base = "http://127.0.0.1:" + port;

        // without signing in, the dashboard sends to a sign-in page that shows no data
        HttpResponse<String> anonymous = get(http, base + "/dashboard");
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElse("")).endsWith("/dashboard/sign-in");
        HttpResponse<String> form = get(http, base + "/dashboard/sign-in");
        assertThat(form.body()).contains("Sign in to read the dashboard").doesNotContain("Audit log")
                .doesNotContain("id=\"board\"");

        // a wrong token, or the right one without the form's CSRF token, is refused
        HttpResponse<String> wrong = post(http, base + "/dashboard/sign-in", "token=" + API_TOKEN + "x&_csrf=" + csrf(form));
        assertThat(wrong.headers().firstValue("Location").orElse("")).endsWith("/dashboard/sign-in?refused");
        assertThat(get(http, base + "/dashboard").statusCode()).isEqualTo(302);
        assertThat(post(http, base + "/dashboard/sign-in", "token=" + API_TOKEN).statusCode()).isEqualTo(403);

        // the API token signs in: an HttpOnly, SameSite=Strict session cookie, and the dashboard's data
        HttpResponse<String> signedIn = post(http, base + "/dashboard/sign-in",
                "token=" + API_TOKEN + "&_csrf=" + csrf(get(http, base + "/dashboard/sign-in")));
        assertThat(signedIn.headers().firstValue("Location").orElse("")).endsWith("/dashboard");
        assertThat(signedIn.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("JSESSIONID=").contains("HttpOnly").contains("SameSite=Strict"));
        HttpResponse<String> dashboard = get(http, base + "/dashboard");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("id=\"board\"").contains("Audit log").contains("Incidents");
        assertThat(get(http, base + "/console/assets/dashboard.js").statusCode()).isEqualTo(200);
        // (a script may send the token as a bearer header instead)
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/dashboard"))
                .header("Authorization", "Bearer " + API_TOKEN).build(), HttpResponse.BodyHandlers.ofString())
                .body()).contains("Audit log");

        // but the console page and its API, which can act, stay off, signed in or with the token
        assertThat(get(http, base + "/").statusCode()).isEqualTo(403);
        assertThat(get(http, base + "/console/api/users").statusCode()).isEqualTo(403);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/console/api/users"))
                .header("Authorization", "Bearer " + API_TOKEN).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(403);
    }

    @Test
    @Order(99)
    void theTokenAppearsInNoLogLineAndNothingSaidAndDiscordSawNoViolation(CapturedOutput output) {
        assertThat(output.getAll()).doesNotContain(TOKEN);
        assertThat(discord.everythingSaid()).doesNotContain(TOKEN);
        assertThat(discord.violations).isEmpty();
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, String url, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf(HttpResponse<String> form) {
        Matcher m = CSRF.matcher(form.body());
        assertThat(m.find()).as("a CSRF token in the sign-in form").isTrue();
        return java.net.URLEncoder.encode(m.group(1), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void awaitConnected() {
        await().atMost(Duration.ofSeconds(60)).until(() -> discord.connected() && discord.registeredCommands() != null);
    }

    /** The deployment id in the answer to a slash command (the deferred reply, edited). */
    private String deploymentIn(FakeDiscord.Interaction typed) {
        await().atMost(Duration.ofSeconds(60)).until(() -> typed.original != null && ID.matcher(typed.original.content()).find()
                || !typed.followUps.isEmpty());
        String answer = typed.original != null ? typed.original.content() : typed.followUps.getFirst().content();
        Matcher m = ID.matcher(answer);
        assertThat(m.find()).as("a deployment id in the answer: " + answer).isTrue();
        return m.group(1);
    }

    private Deployment awaitEnd(String id) {
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                .until(() -> deployments.find(id).orElseThrow().status().terminal());
        return deployments.find(id).orElseThrow();
    }

    private static FakeDiscord.Msg card(String id) {
        await().atMost(Duration.ofSeconds(60)).until(() -> findCard(id).isPresent());
        return findCard(id).orElseThrow();
    }

    private static Optional<FakeDiscord.Msg> findCard(String id) {
        return discord.messagesIn("deploys").stream().filter(m -> m.embeds().size() == 1
                && m.embeds().get(0).path("title").asString("").startsWith(id + " ·")).findFirst();
    }

    private static String title(FakeDiscord.Msg card) {
        return card.embeds().get(0).path("title").asString("");
    }

    private static String threadText(String threadId) {
        return String.join("\n", discord.messagesInThread(threadId).stream().map(FakeDiscord.Msg::text).toList());
    }

    private static List<String> choiceNames(FakeDiscord.Interaction i) {
        List<String> names = new ArrayList<>();
        i.callbackData.path("choices").forEach(c -> names.add(c.path("name").asString()));
        return names;
    }

    private static List<String> choiceValues(FakeDiscord.Interaction i) {
        List<String> values = new ArrayList<>();
        i.callbackData.path("choices").forEach(c -> values.add(c.path("value").asString()));
        return values;
    }

    private static Map<String, String> orderedMap(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Instant now() {
        return Instant.now();
    }
}
