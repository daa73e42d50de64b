package haven.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Types whose agent is installed on the host rather than built in: {@code ocf:PROVIDER:TYPE},
 * {@code lsb:NAME} and {@code systemd:UNIT}. The loader checks only their form, since it runs where the
 * agents may not be installed; `haven config check` asks the installed agent about its parameters.
 */
final class AgentTypeName {
    static final String FORMS = "ocf:PROVIDER:TYPE (e.g. ocf:heartbeat:IPaddr2), lsb:NAME (/etc/init.d/NAME) or "
            + "systemd:UNIT";
    private static final Pattern OCF = Pattern.compile("ocf:[A-Za-z0-9][A-Za-z0-9._+-]*:[A-Za-z0-9][A-Za-z0-9._+-]*");
    private static final Pattern LSB = Pattern.compile("lsb:[A-Za-z0-9][A-Za-z0-9._@+-]*");
    private static final Pattern SYSTEMD = Pattern.compile("systemd:[A-Za-z0-9:_.@\\\\][A-Za-z0-9:_.@\\\\-]*");

    private AgentTypeName() {}

    /** Whether {@code word} claims to be one of these forms (its prefix), well formed or not. */
    static boolean claims(String word) {
        return word.startsWith("ocf:") || word.startsWith("lsb:") || word.startsWith("systemd:");
    }

    /** Why a word with one of the prefixes is malformed, or empty. */
    static Optional<String> error(String word) {
        if (word.contains("..")) return Optional.of("contains '..'");
        if (word.startsWith("ocf:") && !OCF.matcher(word).matches()) {
            return Optional.of("is not ocf:PROVIDER:TYPE with plain names (letters, digits, '.', '_', '+', '-')");
        }
        if (word.startsWith("lsb:") && !LSB.matcher(word).matches()) return Optional.of("is not lsb:NAME with a plain file name");
        if (word.startsWith("systemd:") && !SYSTEMD.matcher(word).matches()) return Optional.of("is not systemd:UNIT with a unit name");
        return Optional.empty();
    }

    /** OCF agents take parameters; init scripts and units read their own files. */
    static boolean takesParameters(String word) {
        return word.startsWith("ocf:");
    }
}
