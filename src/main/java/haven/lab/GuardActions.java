package haven.lab;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a node's guard forced anything off, read from the node's log (the guard writes there beside its
 * daemon). The guard logs one line per force-off step, {@code guard of NODE:   RESOURCE: WHAT}; a step that
 * found nothing to end (the daemon had already stopped it) begins with "no ", and every other step ended
 * something. A late look ({@code second look:}) is logged only when it found something.
 */
final class GuardActions {
    private GuardActions() {}

    /** Where the log ends now: read from here after a fault. */
    static long mark(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The lines in which the guard of {@code node} forced something off in {@code log} after {@code from}. */
    static java.util.List<String> acted(Path log, String node, long from) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            if (f.length() <= from) return java.util.List.of();
            f.seek(from);
            byte[] tail = new byte[(int) Math.min(f.length() - from, 8 << 20)];
            f.readFully(tail);
            return new String(tail, StandardCharsets.UTF_8).lines().filter(line -> forcedOff(line, node)).toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }

    /** Whether one log line says the guard of {@code node} ended something. */
    static boolean forcedOff(String line, String node) {
        String tag = "guard of " + node + ": ";
        int at = line.indexOf(tag);
        if (at < 0) return false;
        String said = line.substring(at + tag.length());
        if (said.startsWith("second look:")) return true;
        if (!said.startsWith("  ")) return false;
        int colon = said.indexOf(": ");
        return colon > 0 && !said.substring(colon + 2).startsWith("no ");
    }
}
