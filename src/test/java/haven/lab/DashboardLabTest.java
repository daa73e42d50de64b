package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The web dashboard in real headless Chromium on the lab's client machine, over the exposed HTTPS listener
 * with tokens, as an operator on a laptop would use it: the page asks for a token, shows where web runs,
 * follows a power loss of the active node without a reload, puts a node in standby after a confirmation,
 * and shows the server's reason for a refused write.
 *
 * <p>With {@code -Dhaven.dashboard.screenshots=DIR} it saves the page before and during the failover as
 * DIR/dashboard-before.png and DIR/dashboard-failover.png (the README's pictures: {@code -Dhaven.dashboard.screenshots=docs}).
 */
@Tag("lab")
class DashboardLabTest {
    private static final String PREFIX = SharedLab.prefix("tdsh");
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final String READ_TOKEN = "tdsh-read-0123456789abcdef";
    private static final String ADMIN_TOKEN = "tdsh-admin-0123456789abcdef";
    private static final String WEB_NODE = "document.querySelector('[data-group=web] [data-where]')?.textContent ?? null";
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(LAYOUT).beforeStart(DashboardLabTest::exposeTheApi);
    private WatchedLab watched;
    private HeadlessChromium browser;

    /** An api: section in the config before the daemons start: HTTPS on 7443 with a read and an admin token. */
    private static void exposeTheApi(LabState state) {
        try {
            Path config = state.config();
            Path tokens = config.resolveSibling("api-tokens");
            Files.writeString(tokens, "read " + READ_TOKEN + " dashboard\nadmin " + ADMIN_TOKEN + " ops\n");
            LabLayout layout = LAYOUT;
            String[] addresses = new String[layout.nodes()];
            for (int i = 1; i <= addresses.length; i++) addresses[i - 1] = layout.nodeAddress(i);
            var cert = haven.config.TestCerts.make(config.getParent(), "api", addresses);
            Files.writeString(config, Files.readString(config) + "api:\n  listen: 0.0.0.0\n  port: 7443\n  tokens_file: " + tokens
                    + "\n  tls_cert: " + cert.cert() + "\n  tls_key: " + cert.key() + "\n");
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the lab's api section", e);
        }
    }

    @BeforeEach
    void settle() {
        watched = WatchedLab.settle(lab.get());
        browser = HeadlessChromium.startIn(lab.layout().clientNamespace(), 1440, 900);
    }

    /** Closes the browser, heals every node, and brings every node back online through whichever answers. */
    @AfterEach
    void heal() {
        if (browser != null) browser.close();
        if (watched != null) watched.close();
        long deadline = System.nanoTime() + WITHIN.toNanos();
        for (int n = 1; n <= lab.layout().nodes(); n++) {
            boolean done = false;
            while (!done && System.nanoTime() < deadline) {
                for (int i = 1; i <= lab.layout().nodes() && !done; i++) {
                    Exec.Result r = Exec.run(Duration.ofSeconds(15), Netns.execIn(lab.layout().nodeNamespace(i), "curl", "-s", "-m", "10",
                            "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "http://127.0.0.1:7480/ha/nodes/" + name(n) + "/online"));
                    done = r.ok() && r.out().trim().equals("200");
                }
                if (!done) Pids.sleep(500);
            }
            assertThat(done).as("%s back online within %s s\n%s", name(n), WITHIN.toSeconds(), lab.cluster().logTails(20)).isTrue();
        }
    }

    private static String name(int node) {
        return lab.layout().nodeName(node);
    }

    private int holder() {
        List<Integer> h = watched.watch.holders();
        assertThat(h).as("VIP holders").hasSize(1);
        return h.get(0);
    }

    private static int other(int... not) {
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            int c = i;
            if (java.util.Arrays.stream(not).noneMatch(x -> x == c)) return i;
        }
        throw new AssertionError("no node left");
    }

    /** Opens the dashboard served by {@code node}'s exposed listener and gives it {@code token} the way a user does. */
    private void openWithToken(int node, String token) {
        browser.open("https://" + lab.layout().nodeAddress(node) + ":7443/");
        JsonNode reason = browser.await("the token form with the server's reason", WITHIN,
                "const p = document.getElementById('token-panel'); return p.checkVisibility() ? document.getElementById('token-reason').textContent : null;",
                v -> v.isTextual());
        assertThat(reason.asText()).contains("send 'Authorization: Bearer TOKEN'");
        useToken(token);
    }

    private void useToken(String token) {
        if (!browser.run("return document.getElementById('token-panel').checkVisibility();").asBoolean()) browser.click("#token-button");
        browser.type("#token-input", token);
        browser.click("#token-form button[type=submit]");
    }

    private JsonNode awaitWebOn(String node) {
        return browser.await("web on " + node, WITHIN, "return " + WEB_NODE + ";", v -> v.asText().equals(node));
    }

    private void screenshot(String name) throws Exception {
        String dir = System.getProperty("haven.dashboard.screenshots");
        if (dir == null || dir.isBlank()) return;
        Path file = Path.of(dir).resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, browser.screenshot());
        System.err.println("dashboard screenshot: " + file.toAbsolutePath());
    }

    @Test
    void thePageFollowsAFailoverLiveWithoutReloading() throws Exception {
        int victim = holder();
        int via = other(victim);
        openWithToken(via, READ_TOKEN);
        awaitWebOn(name(victim));
        browser.await("the live event stream", WITHIN, "return document.getElementById('live').textContent;", v -> v.asText().equals("live"));
        browser.await("all nodes online", WITHIN, "return document.querySelectorAll('[data-node][data-state=online]').length;",
                v -> v.asInt() == lab.layout().nodes());
        // A node restarted by the previous test's heal may see everyone a moment before its lease counts them.
        browser.await("quorum", WITHIN, "return document.getElementById('quorum').textContent;", v -> v.asText().equals("quorate"));
        // A mark in the page's memory: a reload would lose it.
        browser.run("window.havenTestMark = 'still the same page';");
        Pids.sleep(1500); // the "fresh" highlight of the replayed events fades
        screenshot("dashboard-before.png");

        Faults.Injected kill = watched.faults.kill(victim);
        browser.await(name(victim) + " lost", WITHIN, "return document.querySelector('[data-node=" + name(victim) + "]').dataset.state;",
                v -> v.asText().equals("lost"));
        JsonNode now = browser.await("web on another node", WITHIN, "return " + WEB_NODE + ";",
                v -> !v.isNull() && !v.asText().equals(name(victim)) && !v.asText().isEmpty());
        System.err.println("dashboard: web shown on " + now.asText() + " " + (System.nanoTime() - kill.effectiveNanos()) / 1_000_000
                + " ms after " + name(victim) + " lost power");
        browser.await("site started on " + now.asText(), WITHIN,
                "return document.querySelector('[data-resource=site] .pill').textContent;", v -> v.asText().equals("started " + now.asText()));
        assertThat(browser.text("[data-group=web] .since")).as("where web was before").endsWith(", was on " + name(victim));
        watched.awaitBack(kill, WITHIN);
        assertThat(List.of(name(holder()))).as("the VIP holder is where the page says web runs").containsExactly(now.asText());
        assertThat(browser.run("return window.havenTestMark;").asText()).isEqualTo("still the same page");
        assertThat(browser.run("return [...document.querySelectorAll('#events li[data-type=placement] .text')].map(e => e.textContent).join('\\n');")
                .asText()).contains("group web placed on " + now.asText());
        assertThat(browser.text("#live")).isEqualTo("live");
        assertThat(browser.run("return document.getElementById('banner-api').checkVisibility();").asBoolean()).as("an API banner shown").isFalse();
        screenshot("dashboard-failover.png");
    }

    @Test
    void whenTheNodeThatServedThePageLosesPowerThePageSaysItIsUnreachable() {
        int victim = holder();
        openWithToken(victim, READ_TOKEN);
        awaitWebOn(name(victim));
        browser.await("the live event stream", WITHIN, "return document.getElementById('live').textContent;", v -> v.asText().equals("live"));

        watched.faults.kill(victim);
        JsonNode banner = browser.await("the unreachable banner", WITHIN,
                "const b = document.getElementById('banner-api'); return b.checkVisibility() ? b.textContent : null;", v -> v.isTextual());
        assertThat(banner.asText()).startsWith("The haven API at https://" + lab.layout().nodeAddress(victim) + ":7443 is unreachable: no answer")
                .contains("Showing what it said at ").endsWith("retrying every 5 s.");
        assertThat(browser.run("return document.getElementById('main').classList.contains('stale');").asBoolean()).as("panels dimmed").isTrue();
        browser.await("the stream offline", WITHIN, "return document.getElementById('live').textContent;", v -> v.asText().equals("offline"));
    }

    @Test
    void aStandbyNeedsConfirmationAndARefusedWriteShowsTheServersReason() {
        int runs = holder();
        int target = other(runs);
        int via = other(runs, target);
        openWithToken(via, READ_TOKEN);
        awaitWebOn(name(runs));
        String standby = "[data-node=" + name(target) + "] button[data-action=standby]";

        // Cancelled: nothing is sent.
        browser.click(standby);
        assertThat(browser.run("return document.getElementById('confirm').open;").asBoolean()).as("confirmation dialog").isTrue();
        assertThat(browser.text("#confirm-title")).isEqualTo("Put " + name(target) + " in standby?");
        browser.click("#confirm-cancel");
        assertThat(browser.run("return document.getElementById('confirm').open;").asBoolean()).isFalse();
        Pids.sleep(500);
        assertThat(browser.run("return document.getElementById('banner-write').checkVisibility();").asBoolean()).as("a write's answer after Cancel").isFalse();

        // Confirmed with the read-only token: refused, and the page says why in the server's words.
        browser.click(standby);
        browser.click("#confirm-ok");
        JsonNode refused = browser.await("the refusal", WITHIN,
                "const b = document.getElementById('banner-write'); return b.checkVisibility() ? b.querySelector('.text').textContent : null;", v -> v.isTextual());
        assertThat(refused.asText()).isEqualTo("Refused (403): the token dashboard is read-only: it may GET any path, but not POST;"
                + " use an admin token to change the cluster");
        assertThat(browser.text("[data-node=" + name(target) + "]")).doesNotContain("standby");

        // With the admin token the same action is carried out and the page shows the node in standby.
        useToken(ADMIN_TOKEN);
        browser.await("the token in use", WITHIN, "return document.getElementById('token-button').textContent;", v -> v.asText().equals("token set"));
        browser.click(standby);
        browser.click("#confirm-ok");
        JsonNode done = browser.await("the standby's answer", WITHIN,
                "const b = document.getElementById('banner-write'); return b.checkVisibility() && b.classList.contains('done') ? b.querySelector('.text').textContent : null;",
                v -> v.isTextual());
        assertThat(done.asText()).startsWith("ok: ");
        browser.await(name(target) + " in standby", WITHIN, "return document.querySelector('[data-node=" + name(target) + "]').dataset.state;",
                v -> v.asText().equals("standby"));
        assertThat(browser.text("[data-node=" + name(target) + "] button[data-action=online]")).isEqualTo("Online");
        assertThat(watched.watch.holders()).as("web stayed where it ran").containsExactly(runs);
    }
}
