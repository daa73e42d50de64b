package haven.core;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How to end a resource at once, without its agent and without asking: what the guard does for a daemon
 * that died or hung while the resource ran. Each step is as blunt as a power cut for that resource
 * (SIGKILL, address deleted), which is what makes it fit for a deadline. Written as one word per step so it
 * can travel on the guard's text pipe.
 */
public sealed interface ForceOff {
    /** Delete this IPv4 address, in a.b.c.d/len form, from whichever interface holds it. */
    record RemoveAddress(String cidr) implements ForceOff {
        private static final Pattern CIDR = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}");

        public RemoveAddress {
            if (!CIDR.matcher(cidr).matches()) throw new IllegalArgumentException("not an IPv4 address with prefix: '" + cidr + "'");
        }

        @Override
        public String encode() {
            return "address:" + cidr;
        }
    }

    /** SIGKILL to every process of this process group. */
    record KillGroup(long pgid) implements ForceOff {
        public KillGroup {
            if (pgid <= 1) throw new IllegalArgumentException("not a process group a resource can own: " + pgid);
        }

        @Override
        public String encode() {
            return "group:" + pgid;
        }
    }

    /**
     * SIGKILL to every process whose environment carries {@code HAVEN_RESOURCE=marker}: known before the start,
     * so the guard can end a process whose group id the daemon died before telling it.
     */
    record KillMarked(String marker) implements ForceOff {
        private static final Pattern MARKER = Pattern.compile("[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*");

        public KillMarked {
            if (!MARKER.matcher(marker).matches()) throw new IllegalArgumentException("not a resource marker (NAME/NAME/...): '" + marker + "'");
        }

        @Override
        public String encode() {
            return "marked:" + marker;
        }
    }

    /**
     * SIGKILL to the process group whose id the resource's process wrote to {@code file} before it ran its
     * command ({@code process.RecordedGroup}): the path is known before the start, the group id is not.
     */
    record KillRecordedGroup(String file) implements ForceOff {
        private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_./-]+");

        public KillRecordedGroup {
            if (!PATH.matcher(file).matches()) throw new IllegalArgumentException("not an absolute path without spaces: '" + file + "'");
        }

        @Override
        public String encode() {
            return "recorded:" + file;
        }
    }

    /**
     * Detach the filesystem mounted on {@code directory} in the guard's mount namespace (the node's), at once even
     * if busy (a lazy unmount): the force-off of a shared disk's mount, so that no node outside the quorum keeps
     * it mounted while another mounts it. Run after the processes are killed, which lets the kernel finish it.
     */
    record Unmount(String directory) implements ForceOff {
        private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_./-]+");

        public Unmount {
            if (!PATH.matcher(directory).matches() || directory.equals("/")) {
                throw new IllegalArgumentException("not a mount point haven can detach (an absolute path without spaces, not /): '"
                        + directory + "'");
            }
        }

        @Override
        public String encode() {
            return "unmount:" + directory;
        }
    }

    String encode();

    /** Parses one step as written by {@link #encode}; IllegalArgumentException naming the bad word. */
    static ForceOff decode(String word) {
        int colon = word.indexOf(':');
        String kind = colon < 0 ? word : word.substring(0, colon);
        String value = colon < 0 ? "" : word.substring(colon + 1);
        return switch (kind) {
            case "address" -> new RemoveAddress(value);
            case "marked" -> new KillMarked(value);
            case "recorded" -> new KillRecordedGroup(value);
            case "unmount" -> new Unmount(value);
            case "group" -> {
                try {
                    yield new KillGroup(Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + word + "': a process group id must be a number");
                }
            }
            default -> throw new IllegalArgumentException("'" + word + "': unknown step (expected address:A/LEN, group:PGID, recorded:FILE, marked:MARKER or unmount:DIR)");
        };
    }

    static String encodeAll(List<ForceOff> steps) {
        return steps.isEmpty() ? "-" : String.join(" ", steps.stream().map(ForceOff::encode).toList());
    }

    /** The inverse of {@link #encodeAll}: "-" is no step (the resource's processes are not known yet). */
    static List<ForceOff> decodeAll(List<String> words) {
        List<ForceOff> steps = new ArrayList<>();
        for (String w : words) {
            if (!w.equals("-")) steps.add(decode(w));
        }
        return List.copyOf(steps);
    }
}
