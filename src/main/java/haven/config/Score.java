package haven.config;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * Placement scores, counted as Pacemaker counts them so that an imported configuration means the same: whole
 * numbers, where {@link #INFINITY} stands for "always" and its negative for "never". Sums saturate, and "never"
 * wins over everything: a node one rule bans stays banned whatever else prefers it.
 */
public final class Score {
    public static final long INFINITY = 1_000_000;
    static final String SYNTAX = "write a whole number (higher is preferred; negative avoids), inf (mandatory) or -inf (never)";

    private Score() {}

    /** The score written as {@code text}: a whole number within ±1,000,000, or inf / -inf (also +inf, infinity). */
    static OptionalLong parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        boolean negative = t.startsWith("-");
        String unsigned = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) return OptionalLong.of(negative ? -INFINITY : INFINITY);
        if (!unsigned.matches("\\d{1,7}")) return OptionalLong.empty();
        long v = Long.parseLong(unsigned);
        return v > INFINITY ? OptionalLong.empty() : OptionalLong.of(negative ? -v : v);
    }

    public static long add(long a, long b) {
        if (a <= -INFINITY || b <= -INFINITY) return -INFINITY;
        if (a >= INFINITY || b >= INFINITY) return INFINITY;
        return Math.max(-INFINITY, Math.min(INFINITY, a + b));
    }

    public static boolean never(long score) {
        return score <= -INFINITY;
    }

    public static boolean always(long score) {
        return score >= INFINITY;
    }

    public static String format(long score) {
        if (always(score)) return "inf";
        if (never(score)) return "-inf";
        return score > 0 ? "+" + score : Long.toString(score);
    }
}
