package haven.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import haven.config.ApiAccess;
import java.io.IOException;
import java.util.List;

/**
 * The one place where a listener's rule is applied and a refusal or a bug becomes a reply. The local listener
 * knows its callers by uid ({@link LocalAccess}), the exposed one by token ({@link Access}); on both, every
 * method but GET and HEAD is a change and needs a caller allowed to make one, before any handler runs.
 */
final class Guard {
    interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    private final LocalAccess local;
    private final List<ApiAccess.Token> tokens;

    private Guard(LocalAccess local, List<ApiAccess.Token> tokens) {
        this.local = local;
        this.tokens = tokens;
    }

    static Guard local(LocalAccess access) {
        return new Guard(access, List.of());
    }

    static Guard tokens(List<ApiAccess.Token> tokens) {
        return new Guard(null, List.copyOf(tokens));
    }

    HttpHandler around(Handler h) {
        return ex -> serve(ex, h);
    }

    private void serve(HttpExchange ex, Handler h) throws IOException {
        try (ex) {
            try {
                if (local != null) checkBrowserOrigin(ex);
                Caller.set(caller(ex));
                if (!isRead(ex.getRequestMethod())) {
                    Caller.current().requireWrite(ex.getRequestMethod() + " " + ex.getRequestURI().getPath());
                }
                h.handle(ex);
            } catch (ApiError e) {
                if (e.code() == 405) ex.getResponseHeaders().set("Allow", "GET, POST, PUT, DELETE");
                if (e.code() == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"haven\"");
                ApiServer.send(ex, e.code(), "text/plain", e.getMessage() + "\n");
            } catch (RuntimeException e) {
                ApiServer.send(ex, 500, "text/plain", "internal error (a bug; please report it with the daemon's log): " + e + "\n");
            } finally {
                Caller.set(null);
            }
        }
    }

    private Caller caller(HttpExchange ex) {
        if (local != null) return local.caller(ex.getRemoteAddress(), ex.getLocalAddress());
        ApiAccess.Token t = Access.authenticate(tokens, ex.getRequestMethod(), ex.getRequestHeaders().getFirst("Authorization"));
        boolean admin = t.role() == ApiAccess.Role.ADMIN;
        return new Caller(() -> new Caller.Identity("token " + t.label() + " (" + t.role().label() + ")", admin, false,
                "the exposed API never shows secrets in clear (token " + t.label() + "); read them as root on a node's local"
                        + " API: haven config show --secrets"));
    }

    /**
     * A web page in the browser of root on this machine could otherwise make the browser, whose sockets are
     * root's, post to the local API (cross-site request forgery), or read it under a name that resolves to
     * 127.0.0.1 (DNS rebinding). So the local API answers only requests addressed to itself, and refuses
     * requests a page of another origin sent. The CLI and curl send no Origin; the dashboard is same-origin.
     */
    private static void checkBrowserOrigin(HttpExchange ex) {
        int port = ex.getLocalAddress().getPort();
        List<String> self = List.of("127.0.0.1:" + port, "localhost:" + port);
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host != null && !self.contains(host.toLowerCase(java.util.Locale.ROOT))) {
            throw new ApiError(403, "Host '" + host + "' is not this API: the local API answers only requests to"
                    + " http://127.0.0.1:" + port + " (or localhost), so that a web page cannot reach it under another name");
        }
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin != null && self.stream().noneMatch(h -> origin.equalsIgnoreCase("http://" + h))) {
            throw new ApiError(403, "a web page from " + origin + " may not use the local API; open the dashboard at"
                    + " http://127.0.0.1:" + port + "/ instead");
        }
    }

    static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }
}
