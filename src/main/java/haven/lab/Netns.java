package haven.lab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Queries and commands about network namespaces, through iproute2 (the same tool an operator would use). */
public final class Netns {
    private Netns() {}

    /** Names of all named network namespaces on the host. */
    public static List<String> list() {
        Exec.Result r = Exec.run("ip", "netns", "list");
        if (!r.ok()) {
            return List.of();
        }
        // Lines look like "hv-n1 (id: 3)" or just "hv-n1".
        return r.out().lines().map(l -> l.split("\\s+", 2)[0]).filter(s -> !s.isBlank()).toList();
    }

    public static boolean exists(String ns) {
        return list().contains(ns);
    }

    /**
     * Whether process {@code pid} already lives in namespace {@code ns}: its /proc link names the inode of
     * the namespace's file under /run/netns. False when either is gone.
     */
    public static boolean holds(String ns, long pid) {
        try {
            Object inode = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/run/netns", ns), "unix:ino");
            String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc", Long.toString(pid), "ns", "net")).toString();
            return link.equals("net:[" + inode + "]");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Every process whose network namespace is {@code ns}, including ones the daemon started (nginx). */
    public static List<Long> pids(String ns) {
        Exec.Result r = Exec.run("ip", "netns", "pids", ns);
        if (!r.ok()) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        for (String s : r.out().split("\\s+")) {
            if (!s.isBlank()) {
                pids.add(Long.parseLong(s.strip()));
            }
        }
        return pids;
    }

    /** IPv4 addresses (without prefix length) configured in a namespace, all interfaces. */
    public static List<String> ipv4Addresses(String ns) {
        Exec.Result r = Exec.run("ip", "-n", ns, "-o", "-4", "addr", "show");
        if (!r.ok()) {
            return List.of();
        }
        return parseAddrLines(r.out());
    }

    /** Addresses from `ip -o -4 addr show` lines: "2: eth0    inet 10.0.0.1/24 brd ... scope global eth0". */
    static List<String> parseAddrLines(String text) {
        return parseCidrLines(text).stream().map(c -> c.split("/")[0]).toList();
    }

    /** Like {@link #parseAddrLines} but keeps the prefix length ("10.0.0.1/24"), as `ip addr del` needs it. */
    static List<String> parseCidrLines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            List<String> words = Arrays.asList(line.trim().split("\\s+"));
            int at = words.indexOf("inet");
            if (at >= 0 && at + 1 < words.size()) {
                out.add(words.get(at + 1));
            }
        }
        return out;
    }

    /** The command line prefix that runs something inside {@code ns}. */
    public static List<String> execIn(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(Arrays.asList(command));
        return cmd;
    }
}
