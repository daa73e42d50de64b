package haven.config;

import java.util.List;

/**
 * Who may use the daemon's HTTP API from where: the {@code api:} section. On loopback only (the default)
 * no token is needed, as before: whoever reaches 127.0.0.1 is on the machine. Listening anywhere else
 * needs a tokens file; a request from off the machine then carries one of its tokens, and the token's role
 * decides whether it may change anything.
 *
 * @param listen the IPv4 address the API binds to ({@code 0.0.0.0} for every address)
 */
public record ApiAccess(String listen, List<Token> tokens) {
    public static final ApiAccess LOOPBACK = new ApiAccess("127.0.0.1", List.of());

    /** What a token allows: {@code READ} every GET, {@code ADMIN} also every write. */
    public enum Role {
        READ, ADMIN;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One line of the tokens file; {@code label} says whose it is, for the daemon's log. */
    public record Token(Role role, String secret, String label) {
        @Override
        public String toString() {
            return label + " (" + role.label() + ")"; // never the secret
        }
    }

    public ApiAccess {
        tokens = List.copyOf(tokens);
    }

    public boolean loopbackOnly() {
        return listen.startsWith("127.");
    }
}
