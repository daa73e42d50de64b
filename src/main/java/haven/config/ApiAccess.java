package haven.config;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the daemon's HTTP API from where: the {@code api:} section. The local API on
 * 127.0.0.1:{@code cluster.api_port} is always there and needs no token: it knows its callers by their uid;
 * anyone on the machine may read, only root or a member of {@code localGroup} may change anything or read a
 * secret. The section may add an exposed API for other machines, and that one is always HTTPS and always asks
 * for a token; the token's role decides whether it may change anything.
 */
public record ApiAccess(Optional<Exposed> exposed, Optional<String> localGroup) {
    public static final ApiAccess LOOPBACK = new ApiAccess(Optional.empty(), Optional.empty());

    public ApiAccess(Optional<Exposed> exposed) {
        this(exposed, Optional.empty());
    }

    /**
     * The API for other machines.
     *
     * @param listen an IPv4 address of this machine, or 0.0.0.0 for all of them
     */
    public record Exposed(String listen, int port, List<Token> tokens, Tls tls) {
        public Exposed {
            tokens = List.copyOf(tokens);
        }
    }

    /** The exposed API's certificate chain (its own first) and the private key of the first. */
    public record Tls(List<X509Certificate> chain, PrivateKey key) {
        public Tls {
            chain = List.copyOf(chain);
        }
    }

    /** What a token allows: {@code READ} every GET, {@code ADMIN} also every write. */
    public enum Role {
        READ, ADMIN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One line of the tokens file; {@code label} says whose it is, for messages and the log. */
    public record Token(Role role, String secret, String label) {
        @Override
        public String toString() {
            return label + " (" + role.label() + ")"; // never the secret
        }
    }
}
