package haven.api;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Who sent the request being served and what they may do: a local user known by uid ({@link LocalAccess}),
 * or a token of the exposed API. Set for the exchange's thread by {@link Guard}, so that code deep in a
 * handler (a commit, a read of the config) can ask without every signature carrying it.
 *
 * <p>The local user is looked up only when a request needs it (a write, secrets), since the lookup reads the
 * kernel's connection table: plain reads, the bulk of requests, cost nothing extra.
 */
final class Caller {
    /** What a caller is allowed, once known; {@code refusal} is the sentence for a 403 when it is not. */
    record Identity(String who, boolean mayWrite, boolean maySeeSecrets, String refusal) {}

    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();
    private static final Caller UNKNOWN = new Caller(() -> new Identity("unknown caller", false, false,
            "this request was not made through the API's listeners"));

    private final Supplier<Identity> lookup;
    private Identity identity;

    Caller(Supplier<Identity> lookup) {
        this.lookup = lookup;
    }

    static Caller current() {
        Caller c = CURRENT.get();
        return c == null ? UNKNOWN : c;
    }

    static void set(Caller c) {
        if (c == null) CURRENT.remove(); else CURRENT.set(c);
    }

    Identity identity() {
        if (identity == null) identity = lookup.get();
        return identity;
    }

    /** "root (uid 0) on n1's local API", "token ops (admin)": for the timeline. */
    String who() {
        return identity().who();
    }

    /** Refuses the request with 403 unless the caller may change the cluster. */
    void requireWrite(String what) {
        Identity i = identity();
        if (!i.mayWrite()) throw new ApiError(403, what + " refused: " + i.refusal());
    }

    /** Whether secrets may be shown in clear, when the caller asks for them. */
    Optional<String> secretsRefusal() {
        Identity i = identity();
        return i.maySeeSecrets() ? Optional.empty() : Optional.of(i.refusal());
    }
}
