package haven.pacemaker;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/** Pacemaker's values (ids, scores, durations, amounts) in haven's words, each refused with its place when it has none. */
final class Values {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|msec|s|sec|m|min|h|hr)?");

    private Values() {}

    static void checkName(String id, Element where) throws ImportException {
        if (!haven.core.Names.isValid(id)) {
            throw new ImportException(Cib.where(where) + ": '" + id + "' is not a name haven takes (a letter, then letters, digits,"
                    + " _ . or -, at most 63 characters); rename it in the CIB copy you import");
        }
    }

    /** A score as haven writes it: inf, -inf, or a whole number. */
    static String score(String text, Element where) throws ImportException {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.equals("INFINITY") || t.equals("+INFINITY")) return "inf";
        if (t.equals("-INFINITY")) return "-inf";
        try {
            long v = Long.parseLong(t.startsWith("+") ? t.substring(1) : t);
            if (Math.abs(v) >= haven.config.Score.INFINITY) return v > 0 ? "inf" : "-inf";
            return Long.toString(v);
        } catch (NumberFormatException e) {
            throw new ImportException(Cib.where(where) + ": score '" + text + "' is not a number or INFINITY");
        }
    }

    /** A duration in haven's form (500ms, 20s, 2m, 1h), from Pacemaker's (20, 20s, 1min, 30000ms). */
    static String duration(String text, String where) throws ImportException {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new ImportException(where + ": '" + text + "' is not a duration");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms", "msec" -> n + "ms";
            case "m", "min" -> n + "m";
            case "h", "hr" -> n + "h";
            default -> n + "s";
        };
    }

    static long amount(String text, Element where, String name) throws ImportException {
        try {
            long v = Long.parseLong(text.strip());
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new ImportException(Cib.where(where) + ": utilization " + name + " '" + text + "' is not a whole number from 0 up");
        }
    }

    /** A YAML scalar in double quotes, whatever it holds. */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 ? ' ' : c);
            }
        }
        return b.append('"').toString();
    }
}
