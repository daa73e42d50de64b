package haven.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount points of one mount namespace, read from a {@code mountinfo} file (proc(5)): the guard's own, to
 * know whether a mount is there to detach, and a lab node's (any of its processes'), to see from outside which
 * nodes have a shared disk mounted.
 */
public final class MountTable {
    private MountTable() {}

    /** The mount points this process sees; empty when the table cannot be read. */
    public static List<String> ofThisProcess() {
        return of(Path.of("/proc/self/mountinfo"));
    }

    /** The mount points of the namespace that process {@code pid} is in; empty when it is gone. */
    public static List<String> ofProcess(long pid) {
        return of(Path.of("/proc", Long.toString(pid), "mountinfo"));
    }

    static List<String> of(Path mountinfo) {
        try {
            return parse(Files.readAllLines(mountinfo));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The fifth field of each line, with the kernel's octal escapes (a space is \040) undone. */
    static List<String> parse(List<String> lines) {
        List<String> points = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length > 4) points.add(unescape(f[4]));
        }
        return points;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
