package haven.core;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...": the known word nearest to a misspelt one, when it is near enough to be a typo. */
public final class Suggestions {
    private Suggestions() {}

    public static Optional<String> nearest(String word, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(word.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // Allow about one edit per three letters: "hearbeat" finds "heartbeat", "colour" finds nothing.
        int allowed = Math.max(2, word.length() / 3);
        return best != null && bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** The hint for an unknown key or word: the nearest known one if any, and the full list either way. */
    public static String hint(String word, Collection<String> known) {
        String list = "known: " + String.join(", ", known);
        return nearest(word, known).map(n -> "did you mean '" + n + "'? " + list).orElse(list);
    }

    /** Levenshtein distance, treating '-' and '_' as the same letter (people mix them up in YAML keys). */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = same(a.charAt(i - 1), b.charAt(j - 1)) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static boolean same(char x, char y) {
        return x == y || (x == '-' || x == '_') && (y == '-' || y == '_');
    }
}
