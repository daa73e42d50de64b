package haven.core;

import java.util.regex.Pattern;

/** The one rule for names of nodes, resources and groups: they appear in paths (/ha/...), env vars and files. */
public final class Names {
    private static final Pattern VALID = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,62}");

    private Names() {}

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    public static void check(String kind, String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(kind + " name '" + name
                    + "' is not valid: use a letter, then letters, digits, '_', '.' or '-' (at most 63)");
        }
    }
}
