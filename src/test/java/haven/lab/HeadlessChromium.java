package haven.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Debian's chromium, headless, running inside a lab namespace (as a browser on that machine), driven through
 * chromedriver's W3C WebDriver protocol by this small client on java.net.http.
 *
 * <p>chromedriver runs on the host, where this JVM can reach its port; it starts chromium through a script
 * that enters the namespace, and talks to it over a pipe ({@code --remote-debugging-pipe}) instead of a
 * DevTools port, since a port inside the namespace would be out of chromedriver's reach. The pipe also means
 * chromium ends when chromedriver does.
 */
final class HeadlessChromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** What every W3C element reference is keyed by. */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private final Path dir;
    private final Process driver;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String session;
    private long browserPid = -1;

    private HeadlessChromium(Path dir, Process driver, int port) {
        this.dir = dir;
        this.driver = driver;
        this.base = "http://127.0.0.1:" + port;
    }

    /** A browser in namespace {@code ns} with a fresh profile, its window a laptop screen's size. */
    static HeadlessChromium startIn(String ns, int width, int height) {
        for (String bin : List.of("/usr/bin/chromium", "/usr/bin/chromedriver")) {
            if (!Files.isExecutable(Path.of(bin))) {
                throw new IllegalStateException(bin + " is missing: install Debian's chromium and chromium-driver (scripts/install-deps)");
            }
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("haven-chromium-");
            Path wrapper = dir.resolve("chromium-in-" + ns);
            Files.writeString(wrapper, "#!/bin/sh\nexec ip netns exec " + ns + " /usr/bin/chromium \"$@\"\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot prepare chromium's temporary folder", e);
        }
        Process driver;
        int port;
        try {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            driver = new ProcessBuilder("/usr/bin/chromedriver", "--port=" + port, "--log-path=" + dir.resolve("chromedriver.log"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("chromedriver.out").toFile()).start();
        } catch (IOException e) {
            deleteTree(dir);
            throw new IllegalStateException("cannot start chromedriver", e);
        }
        HeadlessChromium b = new HeadlessChromium(dir, driver, port);
        try {
            b.awaitDriverReady(Duration.ofSeconds(15));
            b.newSession(ns, width, height);
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    private void awaitDriverReady(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (call("GET", "/status", null).path("ready").asBoolean()) return;
            } catch (RuntimeException e) {
                // not listening yet
            }
            if (!driver.isAlive()) break;
            Pids.sleep(100);
        }
        throw new IllegalStateException("chromedriver did not become ready within " + within.toSeconds() + " s; its log: " + log());
    }

    private void newSession(String ns, int width, int height) {
        ObjectNode options = JSON.createObjectNode();
        options.put("binary", dir.resolve("chromium-in-" + ns).toString());
        ArrayNode args = options.putArray("args");
        // root needs --no-sandbox; the pipe replaces the DevTools port that chromedriver could not reach.
        for (String a : List.of("--headless=new", "--no-sandbox", "--remote-debugging-pipe", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--window-size=" + width + "," + height, "--user-data-dir=" + dir.resolve("profile"))) {
            args.add(a);
        }
        ObjectNode always = JSON.createObjectNode();
        always.put("browserName", "chrome");
        always.put("acceptInsecureCerts", true); // the lab's API certificate is its own
        always.set("goog:chromeOptions", options);
        ObjectNode body = JSON.createObjectNode();
        body.putObject("capabilities").set("alwaysMatch", always);
        JsonNode v = call("POST", "/session", body);
        session = v.path("sessionId").asText();
        browserPid = v.path("capabilities").path("goog:processID").asLong(-1);
    }

    void open(String url) {
        call("POST", path("/url"), JSON.createObjectNode().put("url", url));
    }

    /** Runs {@code script} (a function body; {@code arguments} are the args) in the page and returns its value. */
    JsonNode run(String script, Object... args) {
        ObjectNode body = JSON.createObjectNode();
        body.put("script", script);
        body.set("args", JSON.valueToTree(List.of(args)));
        return call("POST", path("/execute/sync"), body);
    }

    /** The text of the first element matching {@code css}, or null if there is none. */
    String text(String css) {
        JsonNode v = run("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css);
        return v.isNull() ? null : v.asText();
    }

    /** Clicks the first element matching {@code css}, as a user would (it must be visible and enabled). */
    void click(String css) {
        for (int attempt = 1; ; attempt++) {
            try {
                call("POST", path("/element/" + element(css) + "/click"), JSON.createObjectNode());
                return;
            } catch (IllegalStateException e) {
                // The page redrew the element between finding and clicking it (it redraws on cluster changes).
                if (attempt == 3 || !e.getMessage().contains("stale element")) throw e;
            }
        }
    }

    void type(String css, String text) {
        call("POST", path("/element/" + element(css) + "/value"), JSON.createObjectNode().put("text", text));
    }

    private String element(String css) {
        JsonNode v = call("POST", path("/element"), JSON.createObjectNode().put("using", "css selector").put("value", css));
        return v.path(ELEMENT).asText();
    }

    /** Waits until {@code probe} (run in the page) returns a value that {@code ok} accepts; returns it. */
    JsonNode await(String what, Duration within, String probe, Predicate<JsonNode> ok) {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = run(probe);
            if (ok.test(last)) return last;
            Pids.sleep(100);
        }
        throw new AssertionError("the page did not show " + what + " within " + within.toSeconds() + " s; last seen: " + last
                + "\nbanners: " + run("return [...document.querySelectorAll('.banner')].filter(b => !b.hidden).map(b => b.textContent).join(' | ')"));
    }

    byte[] screenshot() {
        return Base64.getDecoder().decode(call("GET", path("/screenshot"), null).asText());
    }

    private String path(String p) {
        return "/session/" + session + p;
    }

    private JsonNode call(String method, String p, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + p)).timeout(CALL_TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("chromedriver at " + base + " did not answer " + method + " " + p + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling chromedriver", e);
        }
        JsonNode v;
        try {
            v = JSON.readTree(r.body()).path("value");
        } catch (IOException e) {
            throw new IllegalStateException("chromedriver answered " + method + " " + p + " with something not JSON: " + r.body(), e);
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("chromedriver refused " + method + " " + p + " (" + r.statusCode() + "): "
                    + v.path("error").asText() + ": " + v.path("message").asText());
        }
        return v;
    }

    private String log() {
        try {
            Path l = dir.resolve("chromedriver.out");
            return Files.exists(l) ? Files.readString(l) : "(none)";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** Ends the session, then makes sure by PID that chromium and chromedriver are gone, and deletes the profile. */
    @Override
    public void close() {
        if (session != null) {
            try {
                call("DELETE", path(""), null);
            } catch (RuntimeException e) {
                // chromium is killed by PID below
            }
        }
        if (browserPid > 0) {
            Pids.kill(List.of(browserPid));
            Pids.waitGone(List.of(browserPid), Duration.ofSeconds(5));
        }
        driver.destroy();
        try {
            if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) driver.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(dir);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("lab warning: cannot delete " + dir + ": " + e);
        }
    }
}
