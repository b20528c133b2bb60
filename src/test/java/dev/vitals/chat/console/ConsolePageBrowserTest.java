package dev.vitals.chat.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vitals.RawHttp;
import dev.vitals.TestCatalog;
import dev.vitals.VitalsIntegrationTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console page and the dashboard in a real browser (Debian's chromium): a deployment requested,
 * approved by another user and followed to its end without a reload; what people type stays text;
 * the page asks no host but Vitals for anything.
 */
class ConsolePageBrowserTest extends VitalsIntegrationTest {
    private static final Pattern DEPLOYMENT_ID = Pattern.compile("\\*\\*(D-\\d+)\\*\\*");
    private static final Duration UI = Duration.ofSeconds(30);
    private static final Duration PIPELINE = Duration.ofSeconds(90);

    private final ObjectMapper json = JsonMapper.builder().build();
    private ChromeDriver browser;
    private String base;

    @BeforeEach
    void vitalsAddress() {
        base = "http://127.0.0.1:" + port;
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aDeploymentRequestedApprovedAndFollowedLiveInTheBrowserShowsOnTheDashboard() {
        browser = Browser.start();
        String production = TestCatalog.productionEnvironment();
        // given a first visit to the console: three commands to try
        browser.get(base + "/");
        List<WebElement> tries = await().atMost(UI).until(() -> browser.findElements(By.cssSelector("#welcome button.try")),
                found -> found.size() == 3 && found.getFirst().isDisplayed());
        assertThat(tries.stream().map(WebElement::getText)).contains("/help");
        await().atMost(UI).until(() -> browser.findElement(By.id("live")).getText().equals("live"));
        browser.executeScript("window.vitalsSamePage = true;");

        // when alice types the deploy with the completion's help
        actAs("alice");
        WebElement box = browser.findElement(By.id("command"));
        box.sendKeys("/deploy back");
        awaitOption("backend");
        box.sendKeys(Keys.TAB);
        assertThat(box.getAttribute("value")).isEqualTo("/deploy backend ");
        box.sendKeys("v1.");
        awaitOption("v1.4");
        box.sendKeys("4 " + production, Keys.ENTER);

        // then her request's card waits for sign-off, with its buttons
        // (a card is drawn anew whenever it changes, so what is read of it is read again until it holds still)
        String id = await().atMost(UI).ignoreExceptions()
                .until(() -> deploymentId(awaitCard(production, "PENDING_APPROVAL")), found -> found != null);
        Browser.screenshot(browser, "console-pending");
        clickOnCard(production, "PENDING_APPROVAL", "button.open-thread");
        await().atMost(UI).until(() -> browser.findElement(By.id("thread-pane")).isDisplayed());

        // when bob clicks Approve on the card
        actAs("bob");
        clickOnCard(production, "PENDING_APPROVAL", "button[data-button='approval:approve:" + id + "']");

        // then the thread beside the channel shows the steps, and the card reaches SUCCEEDED, without a reload
        await().atMost(PIPELINE).until(() -> threadText().contains("▶ " + "switch traffic"));
        awaitCard(production, "SUCCEEDED");
        assertThat(threadText()).contains("▶ preflight").contains("▶ start new").contains("▶ wait healthy");
        assertThat(browser.executeScript("return window.vitalsSamePage === true;")).isEqualTo(true);
        Browser.screenshot(browser, "console");

        // when someone types a script
        String script = "<script>window.vitalsPwned = 1</script><img src=x onerror=\"window.vitalsPwned = 2\">";
        box = browser.findElement(By.id("command"));
        box.sendKeys(script, Keys.ENTER);

        // then it shows as the text it is, and nothing ran
        await().atMost(UI).until(() -> browser.findElements(By.cssSelector("#messages li.msg .text")).stream()
                .anyMatch(t -> t.getText().equals(script)));
        assertThat(browser.executeScript("return typeof window.vitalsPwned;")).isEqualTo("undefined");
        assertThat(browser.findElements(By.cssSelector("#messages img"))).isEmpty();

        // when an incident is opened from the console
        String title = "Checkout slow after " + id;
        assertThat(console.ask("bob", "deploys", "/incident open P3 \"" + title + "\" service:backend env:" + production))
                .contains("Opened I-");

        // and the dashboard opens
        browser.get(base + "/dashboard");

        // then it shows the deployment, its status in words, its steps on a timeline, and its audit entries
        WebElement row = await().atMost(UI).ignoreExceptions()
                .until(() -> browser.findElement(By.id("deployment-" + id)), WebElement::isDisplayed);
        assertThat(row.findElement(By.cssSelector(".badge.status")).getText()).isEqualTo("succeeded");
        List<WebElement> bars = row.findElements(By.cssSelector("svg.timeline rect"));
        assertThat(bars).hasSizeGreaterThanOrEqualTo(5);
        assertThat(bars).allSatisfy(b -> assertThat(Double.parseDouble(b.getAttribute("width"))).isPositive());
        assertThat(row.findElement(By.cssSelector("svg.timeline")).getAttribute("aria-label"))
                .contains("preflight — succeeded").contains("switch traffic — succeeded");
        List<String> audited = browser.findElements(By.cssSelector("#audit tr.audit-entry")).stream()
                .map(WebElement::getText).filter(t -> t.contains(id)).toList();
        assertThat(audited).anySatisfy(t -> assertThat(t).contains("alice"))
                .anySatisfy(t -> assertThat(t).contains("bob"));
        assertThat(browser.findElement(By.id("verification")).getText()).startsWith("chain verified");
        // and the open incident with its severity, place, status in words and acknowledgement deadline
        WebElement incident = browser.findElements(By.cssSelector("#incidents tr.incident")).stream()
                .filter(r -> r.getText().contains(title)).findFirst().orElseThrow();
        assertThat(incident.getText()).contains("P3").contains("backend · " + production);
        assertThat(incident.findElement(By.cssSelector(".badge")).getText()).isEqualTo("open");
        assertThat(incident.findElement(By.cssSelector("td:last-child")).getText()).startsWith("in ");
        Browser.screenshot(browser, "dashboard");

        // and no request of either page went to any host but Vitals
        // (the browser's own pages, chrome://, and inline data: URLs reach no host)
        List<String> urls = Browser.requestedUrls(browser, json).stream()
                .filter(u -> !u.startsWith("chrome://") && !u.startsWith("chrome-untrusted://") && !u.startsWith("data:"))
                .toList();
        assertThat(urls).contains(base + "/", base + "/console/assets/console.js", base + "/console/api/events",
                        base + "/dashboard", base + "/console/assets/dashboard.js")
                .allSatisfy(u -> assertThat(u).startsWith(base + "/"));
    }

    @Test
    void atTwoHundredPercentZoomBothPagesFitTheirWidthAndKeepTheirControlsInReach() {
        // given a deployment, its audit entries and an incident, so that every table of the dashboard has rows
        String staging = TestCatalog.stagingEnvironment();
        String id = new dev.vitals.DeployDriver(console, runtime, catalog).deployed("alice", "backend", "v1.4", staging).id();
        assertThat(console.ask("bob", "deploys", "/incident open P2 \"Slow lab results after " + id
                + " with a long title that has to wrap somewhere\" service:backend env:" + staging)).contains("Opened I-");
        browser = Browser.start();
        // 200 % zoom of the 1400-pixel window: 700 CSS pixels across, each drawn twice as large
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 700, "height", 500, "deviceScaleFactor", 2, "mobile", false));
        for (String path : List.of("/", "/dashboard")) {
            browser.get(base + path);
            String landmark = path.equals("/") ? "command" : "deployment-" + id;
            WebElement control = await().atMost(UI).ignoreExceptions()
                    .until(() -> browser.findElement(By.id(landmark)), WebElement::isDisplayed);
            assertThat(browser.executeScript("return window.innerWidth;")).as(path).isEqualTo(700L);
            assertThat((Long) browser.executeScript("return document.documentElement.scrollWidth;"))
                    .as("%s scrolls sideways at 200 %% zoom", path).isLessThanOrEqualTo(700L);
            assertThat(control.getRect().getX() + control.getRect().getWidth()).as(path).isLessThanOrEqualTo(700);
            Browser.screenshot(browser, (path.equals("/") ? "console" : "dashboard") + "-200");
        }
        // and the command box is in the keyboard's order: Shift+Tab from Send reaches it, Tab goes back to Send
        browser.get(base + "/");
        await().atMost(UI).until(() -> browser.findElement(By.id("live")).getText().equals("live"));
        WebElement box = browser.findElement(By.id("command"));
        WebElement send = browser.findElement(By.cssSelector("#composer button[type=submit]"));
        browser.executeScript("arguments[0].focus();", send);
        send.sendKeys(Keys.chord(Keys.SHIFT, Keys.TAB));
        assertThat(browser.switchTo().activeElement()).isEqualTo(box);
        box.sendKeys(Keys.TAB);
        assertThat(browser.switchTo().activeElement()).isEqualTo(send);
    }

    @Test
    void thePagesForbidInlineScriptsAndOtherHostsAndAnswerOnlyTheirOwnHost() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/", "/dashboard")) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(path).contains("script-src 'self'").contains("default-src 'none'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval").doesNotContain("http");
            assertThat(page.body()).as(path).doesNotContain("<script>").doesNotContain("onclick=")
                    .doesNotContain("style=\"");
            // a page reached through another name (DNS rebinding) is refused, as the console API is
            assertThat(new RawHttp(port).get(path, Map.of("Host", "rebind.attacker.example:" + port)).status())
                    .as(path).isEqualTo(403);
        }
    }

    private void actAs(String user) {
        new Select(browser.findElement(By.id("user"))).selectByValue(user);
    }

    /** Waits for the completion list to offer an option starting with {@code prefix}; says what it saw if not. */
    private void awaitOption(String prefix) {
        try {
            await().atMost(UI).until(() -> options().stream().anyMatch(o -> o.startsWith(prefix)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String typed = browser.findElement(By.id("command")).getAttribute("value");
            Object server = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch('/console/api/completions?text=' + encodeURIComponent(arguments[0]))"
                    + ".then(r => r.text().then(t => done(r.status + ' ' + t))).catch(x => done(String(x)));", typed);
            throw new AssertionError("no completion starting with " + prefix + " for '" + typed + "': the list shows "
                    + options() + ", the server answers " + server, e);
        }
    }

    /** The completions offered now, read in one step (the list is drawn anew as one types). */
    @SuppressWarnings("unchecked")
    private List<String> options() {
        return (List<String>) browser.executeScript(
                "return [...document.querySelectorAll('#completions li')].map(li => li.textContent);");
    }

    private String threadText() {
        return browser.findElement(By.id("thread-messages")).getText();
    }

    /** The card in the channel for a deployment to {@code environment} once it shows {@code status}. */
    private WebElement awaitCard(String environment, String status) {
        return await().atMost(status.equals("SUCCEEDED") ? PIPELINE : UI).ignoreExceptions().until(() -> {
            Optional<WebElement> card = browser.findElements(By.cssSelector("#messages li.msg.card")).stream()
                    .filter(c -> c.getText().contains(environment)).reduce((a, b) -> b);
            return card.filter(c -> status.equals(c.getAttribute("data-status")));
        }, Optional::isPresent).orElseThrow();
    }

    /** Clicks a button of the card; the card is drawn anew whenever it changes, so a stale one is looked up again. */
    private void clickOnCard(String environment, String status, String button) {
        await().atMost(UI).ignoreExceptions().untilAsserted(() ->
                awaitCard(environment, status).findElement(By.cssSelector(button)).click());
    }

    private static String deploymentId(WebElement card) {
        Matcher m = DEPLOYMENT_ID.matcher(card.findElement(By.cssSelector(".text")).getText());
        assertThat(m.find()).as("a deployment id on the card").isTrue();
        return m.group(1);
    }
}
