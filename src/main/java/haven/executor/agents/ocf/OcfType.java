package haven.executor.agents.ocf;

import java.util.regex.Pattern;

/**
 * An OCF agent's name as a config writes it, {@code ocf:PROVIDER:TYPE} (e.g. {@code ocf:heartbeat:IPaddr2}).
 * Both parts become a path under the OCF root, so they are restricted to names that cannot climb out of it.
 */
public record OcfType(String provider, String type) {
    public static final String PREFIX = "ocf:";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    public OcfType {
        check("provider", provider);
        check("type", type);
    }

    private static void check(String what, String value) {
        if (value == null || !NAME.matcher(value).matches() || value.contains("..")) {
            throw new IllegalArgumentException("OCF " + what + " '" + value + "' is not a plain name (letters, digits, "
                    + "'.', '_', '+', '-'), e.g. ocf:heartbeat:IPaddr2");
        }
    }

    public static boolean looksLike(String word) {
        return word.startsWith(PREFIX);
    }

    /** Parses {@code ocf:PROVIDER:TYPE}; IllegalArgumentException naming the expected form. */
    public static OcfType parse(String word) {
        String[] parts = word.split(":", -1);
        if (parts.length != 3 || !parts[0].equals("ocf")) {
            throw new IllegalArgumentException("'" + word + "' is not an OCF agent name: write ocf:PROVIDER:TYPE, "
                    + "e.g. ocf:heartbeat:IPaddr2 (`haven agent list` shows the installed ones)");
        }
        return new OcfType(parts[1], parts[2]);
    }

    @Override
    public String toString() {
        return PREFIX + provider + ":" + type;
    }
}
