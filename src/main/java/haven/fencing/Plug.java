package haven.fencing;

import java.util.ArrayList;
import java.util.List;

/** One outlet (or VM, or host) a device can switch, as its {@code list} action names it. */
public record Plug(String id, String alias) {

    /**
     * Parses {@code list} output: one {@code plug,alias} line per outlet; the alias may be empty or missing,
     * and blank lines are skipped. Agents print log lines on stderr, so stdout holds only these lines.
     */
    public static List<Plug> parseList(String stdout) {
        List<Plug> plugs = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) continue;
            int comma = l.indexOf(',');
            plugs.add(comma < 0 ? new Plug(l, "") : new Plug(l.substring(0, comma).strip(), l.substring(comma + 1).strip()));
        }
        return plugs;
    }
}
