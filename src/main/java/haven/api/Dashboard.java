package haven.api;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The web dashboard's files (plain HTML, CSS and JavaScript from {@code haven/dashboard/} on the class path)
 * served at {@code /} on every API listener. The page itself holds no cluster data, so it is served
 * without a token; everything it shows it reads from /ha and /ha/events with the token the user pastes, as
 * any other client would. No build step and nothing from a CDN: clusters often have no internet.
 */
final class Dashboard {
    private static final String DIR = "/haven/dashboard/";
    /** URL path to file name and content type; nothing outside this table is served. */
    private static final Map<String, Page> PAGES = pages();

    /** The page may talk to its own origin only: a token in sessionStorage is safe from other sites' scripts. */
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            + " connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private record Page(String file, String type, byte[] body) {}

    private Dashboard() {}

    private static Map<String, Page> pages() {
        Map<String, Page> m = new LinkedHashMap<>();
        Page index = load("index.html", "text/html; charset=utf-8");
        m.put("/", index);
        m.put("/dashboard", index);
        m.put("/dashboard.css", load("dashboard.css", "text/css; charset=utf-8"));
        m.put("/dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"));
        m.put("/favicon.svg", load("favicon.svg", "image/svg+xml"));
        return Map.copyOf(m);
    }

    private static Page load(String file, String type) {
        try (InputStream in = Dashboard.class.getResourceAsStream(DIR + file)) {
            if (in == null) throw new IllegalStateException("the dashboard's " + DIR + file + " is missing from the jar: a build fault");
            return new Page(file, type, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard's " + file, e);
        }
    }

    /** Handles every path no other context claims: the dashboard's few files, or a 404 that says where things are. */
    static void serve(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            Page page = PAGES.get(path);
            if (page == null) {
                ApiServer.send(ex, 404, "text/plain", "nothing at " + path + ": the dashboard is at /, the API at /ha"
                        + " (see docs/api.md), events at /ha/events, metrics at /metrics\n");
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                ApiServer.send(ex, 405, "text/plain", path + " is the dashboard's " + page.file() + ": read it with GET;"
                        + " changes go to the /ha tree\n");
                return;
            }
            var h = ex.getResponseHeaders();
            h.set("Content-Type", page.type());
            h.set("Content-Security-Policy", POLICY);
            h.set("X-Content-Type-Options", "nosniff");
            h.set("Referrer-Policy", "no-referrer");
            // Files change only with the daemon's version; revalidating each load keeps an upgrade visible.
            h.set("Cache-Control", "no-cache");
            boolean head = method.equals("HEAD");
            ex.sendResponseHeaders(200, head ? -1 : page.body().length);
            if (!head) ex.getResponseBody().write(page.body());
        }
    }
}
