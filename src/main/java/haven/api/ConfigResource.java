package haven.api;

import com.sun.net.httpserver.HttpExchange;
import haven.cib.Codec;
import haven.cib.Command;
import haven.cib.ConfigRevision;
import haven.validation.ConfigValidator;
import haven.membership.ClusterLog;
import haven.node.NodeStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code /ha/config}: the cluster config with its version. GET returns the text (or, with
 * {@code Accept: application/json}, version, sha256 and text) with the version as ETag. PUT replaces it:
 * the request names the version it was made against ({@code If-Match: N} or {@code ?version=N}); the text is
 * checked here as `haven config check` would, then committed through the cluster log as a compare-and-set
 * on the version, so a change made against an older version is refused with 409, never merged.
 *
 * <p>Version 0 means no change was ever committed: GET returns this node's own file.
 *
 * <p>Secrets (the cluster key, passwords) read as {@link ConfigSecrets#REDACTED}; {@code ?secrets=true} gives
 * the clear text to root on the local API and to no one else. A PUT whose text still has a secret as
 * {@code <redacted>} keeps the stored one, so a text read, edited and written back keeps them all.
 */
public final class ConfigResource {
    static final int MAX_CONFIG_BYTES = 1 << 20;
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(5);
    /** How long to wait for this node's published status to show the committed entry. */
    private static final Duration SEE_TIMEOUT = Duration.ofSeconds(3);

    private final Supplier<NodeStatus> status;
    private final ClusterLog log;
    private final Supplier<String> fileText;
    private final ConfigValidator validator;
    private final haven.config.live.ReloadRules reloadRules;

    /** {@code fileText}: the text of the config this node runs, for before any change was committed. */
    public ConfigResource(Supplier<NodeStatus> status, ClusterLog log, Supplier<String> fileText, ConfigValidator validator) {
        this(status, log, fileText, validator, haven.config.live.ReloadRules.NEVER);
    }

    /** {@code reloadRules}: which parameter changes the agents reload, for a dry run's account of what restarts. */
    public ConfigResource(Supplier<NodeStatus> status, ClusterLog log, Supplier<String> fileText, ConfigValidator validator,
            haven.config.live.ReloadRules reloadRules) {
        this.status = status;
        this.log = log;
        this.fileText = fileText;
        this.validator = validator;
        this.reloadRules = reloadRules;
    }

    void serve(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (!List.of("", "/").contains(ex.getRequestURI().getPath().substring("/ha/config".length()))) {
            throw ApiError.notFound(ex.getRequestURI().getPath() + " does not exist: the config is the one leaf /ha/config");
        }
        switch (method) {
            case "GET", "HEAD" -> read(ex);
            case "PUT" -> write(ex);
            default -> throw new ApiError(405, "method " + method + " not allowed on /ha/config: GET reads it, PUT with"
                    + " If-Match: VERSION replaces it");
        }
    }

    private void read(HttpExchange ex) throws IOException {
        ConfigRevision rev = status.get().state().config();
        String text = rev.committed() ? rev.text() : fileText.get();
        if (wantsSecrets(ex)) {
            Caller.current().secretsRefusal().ifPresent(why -> {
                throw new ApiError(403, "secrets in clear refused: " + why);
            });
        } else {
            text = ConfigSecrets.redact(text);
        }
        ex.getResponseHeaders().set("ETag", "\"" + rev.version() + "\"");
        if (ApiServer.accepts(ex, "application/json")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", rev.version());
            m.put("sha256", rev.committed() ? rev.sha256() : ConfigRevision.sha256(fileText.get()));
            m.put("text", text);
            ApiServer.send(ex, 200, "application/json", Codec.toJson(m));
        } else {
            ApiServer.send(ex, 200, "application/yaml", text);
        }
    }

    private void write(HttpExchange ex) throws IOException {
        long base = expectedVersion(ex);
        NodeStatus s = status.get();
        String stored = s.state().config().committed() ? s.state().config().text() : fileText.get();
        String text = ConfigSecrets.restore(body(ex), stored);
        long current = s.state().config().version();
        if (base != current) throw stale(base, current);
        String sha = ConfigRevision.sha256(text);
        String runningSha = s.state().config().committed() ? s.state().config().sha256() : ConfigRevision.sha256(fileText.get());
        if (sha.equals(runningSha)) {
            ApiServer.send(ex, 200, "text/plain", "unchanged: the config is already this text (version " + current + ")\n");
            return;
        }
        ConfigValidator.Verdict v = validator.check(text, "PUT /ha/config", s.config());
        if (!v.ok()) {
            throw new ApiError(422, "config refused, nothing changed; " + v.problems().size() + " problem"
                    + (v.problems().size() == 1 ? "" : "s") + ":\n" + String.join("\n", v.problems()));
        }
        if (dryRun(ex)) {
            ApiServer.send(ex, 200, "text/plain", DryRun.of(s, v.config().orElseThrow(), reloadRules, base));
            return;
        }
        if (!s.quorate()) {
            throw new ApiError(503, s.self() + " has no quorum now, so it cannot change the config; send the request to a"
                    + " node of the majority partition");
        }
        try {
            log.propose(Requests.stamped(s.self(), "PUT /ha/config (version " + (base + 1) + ")",
                            List.of(new Command.SetConfig(base, text, sha))), COMMIT_TIMEOUT)
                    .get(COMMIT_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new ApiError(503, "not committed (" + e.getMessage() + "): there may be no coordinator right now;"
                    + " GET /ha/config to see whether it was, then retry");
        }
        ConfigRevision after = awaitPast(base);
        if (after.version() == base + 1 && after.sha256().equals(sha)) {
            ex.getResponseHeaders().set("ETag", "\"" + after.version() + "\"");
            ApiServer.send(ex, 200, "text/plain", "ok: config version " + after.version() + " committed; every node applies it now\n");
            return;
        }
        throw stale(base, after.version());
    }

    /** {@code ?dry_run=true}: checked and played forward, not committed. */
    private static boolean dryRun(HttpExchange ex) {
        String v = ApiServer.query(ex.getRequestURI().getRawQuery()).get("dry_run");
        if (v == null || v.equals("false")) return false;
        if (v.equals("true")) return true;
        throw ApiError.badRequest("dry_run=" + v + ": write dry_run=true to see what the change would do without committing it");
    }

    /** {@code ?secrets=true}: the clear text, for root on the local API only ({@link Caller}). */
    private static boolean wantsSecrets(HttpExchange ex) {
        String v = ApiServer.query(ex.getRequestURI().getRawQuery()).get("secrets");
        if (v == null || v.equals("false")) return false;
        if (v.equals("true")) return true;
        throw ApiError.badRequest("secrets=" + v + ": write secrets=true for the clear text (root on the local API only),"
                + " or leave it out for the text with every secret shown as " + ConfigSecrets.REDACTED);
    }

    private ConfigRevision awaitPast(long base) {
        long deadline = System.nanoTime() + SEE_TIMEOUT.toNanos();
        ConfigRevision rev = status.get().state().config();
        while (rev.version() <= base && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            rev = status.get().state().config();
        }
        return rev;
    }

    private static ApiError stale(long base, long current) {
        return ApiError.conflict("config changed meanwhile: this change was made against version " + base
                + ", the cluster is at version " + current + "; nothing was changed. GET /ha/config, redo the change on"
                + " version " + current + " and apply it with If-Match: " + current);
    }

    private static long expectedVersion(HttpExchange ex) {
        String raw = ex.getRequestHeaders().getFirst("If-Match");
        if (raw == null) raw = ApiServer.query(ex.getRequestURI().getRawQuery()).get("version");
        if (raw == null) {
            throw new ApiError(428, "PUT /ha/config needs the version the change was made against: If-Match: N (the ETag"
                    + " of GET /ha/config) or ?version=N; a change without one could overwrite someone else's");
        }
        String v = raw.strip();
        if (v.startsWith("W/")) v = v.substring(2);
        v = v.replace("\"", "");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("If-Match / version '" + raw + "' is not a config version (a whole number, as in"
                    + " GET /ha/config's ETag)");
        }
    }

    private static String body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_CONFIG_BYTES + 1);
            if (b.length > MAX_CONFIG_BYTES) throw new ApiError(413, "config over " + MAX_CONFIG_BYTES + " bytes");
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
