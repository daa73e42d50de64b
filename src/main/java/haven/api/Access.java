package haven.api;

import haven.config.ApiAccess;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Decides whether a request to the exposed API may proceed, and as which role: it needs
 * {@code Authorization: Bearer TOKEN} with a token of the tokens file; a read-only token may GET everything
 * and change nothing. (The local API on 127.0.0.1 asks for no token: it knows its callers by their uid,
 * {@link LocalAccess}.) No token reads a secret in clear ({@link Caller}). Pure; the comparison takes the same time
 * for every token, so that timing does not reveal a prefix.
 */
final class Access {
    private Access() {}

    static ApiAccess.Role check(List<ApiAccess.Token> tokens, String method, String authorization) {
        return authenticate(tokens, method, authorization).role();
    }

    /** The token the request presents, if it may make this request; else the refusal. */
    static ApiAccess.Token authenticate(List<ApiAccess.Token> tokens, String method, String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw new ApiError(401, "this API needs a token for requests from other machines: send 'Authorization: Bearer TOKEN'"
                    + " with a token from the api.tokens_file of the cluster's config (ask its administrator for one)");
        }
        ApiAccess.Token token = find(tokens, authorization.substring("Bearer ".length()).strip())
                .orElseThrow(() -> new ApiError(401, "the token is not in this node's api.tokens_file: check for a typo,"
                        + " or whether the file was changed (the daemon reads it at start)"));
        boolean write = !method.equals("GET") && !method.equals("HEAD");
        if (write && token.role() != ApiAccess.Role.ADMIN) {
            throw new ApiError(403, "the token " + token.label() + " is read-only: it may GET any path, but not " + method
                    + "; use an admin token to change the cluster");
        }
        return token;
    }

    private static Optional<ApiAccess.Token> find(List<ApiAccess.Token> tokens, String presented) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        ApiAccess.Token found = null;
        for (ApiAccess.Token t : tokens) {
            if (MessageDigest.isEqual(t.secret().getBytes(StandardCharsets.UTF_8), p) && found == null) found = t;
        }
        return Optional.ofNullable(found);
    }
}
