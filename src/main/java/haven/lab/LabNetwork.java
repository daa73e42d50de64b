package haven.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The wires of a lab: one namespace per node plus a client namespace, each joined by a veth pair to a
 * private bridge in the root namespace. The bridge is attached to nothing else and has no address, and no
 * namespace has a default route, so lab traffic cannot leave the bridge.
 *
 * <p>Faults act on the host side of a node's veth pair: removing it from the bridge cuts the node off
 * while its own link stays up (isolation); taking it down as well is what a dead machine looks like.
 *
 * <p>Not thread-safe; each command works on one lab from one thread.
 */
public final class LabNetwork {
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);
    private final LabLayout layout;

    public LabNetwork(LabLayout layout) {
        this.layout = layout;
    }

    public LabLayout layout() {
        return layout;
    }

    /** True if any piece of a lab with this prefix exists (namespace, bridge or port). */
    public static boolean anyPartExists(String prefix) {
        return !namespacesOf(prefix).isEmpty() || !linksOf(prefix).isEmpty();
    }

    /** Builds the whole network; on any failure removes what it built and rethrows. */
    public void create() {
        if (anyPartExists(layout.prefix())) {
            throw new LabException("a lab with prefix '" + layout.prefix() + "' already exists (namespaces "
                    + namespacesOf(layout.prefix()) + ", links " + linksOf(layout.prefix())
                    + "); remove it with `haven lab down --prefix " + layout.prefix() + "` or choose another prefix");
        }
        refuseIfSubnetTaken();
        try {
            createBridge();
            for (int i = 1; i <= layout.nodes(); i++) {
                createHost(layout.nodeNamespace(i), layout.nodePort(i), layout.nodeAddress(i));
            }
            createHost(layout.clientNamespace(), layout.clientPort(), layout.clientAddress());
            if (layout.replicationNet()) createReplicationNet();
        } catch (RuntimeException e) {
            destroy(layout.prefix());
            throw e;
        }
    }

    private void refuseIfSubnetTaken() {
        refuseIfSubnetTaken("10.231." + layout.subnetOctet() + ".", layout.subnet());
        if (layout.replicationNet()) refuseIfSubnetTaken("10.232." + layout.subnetOctet() + ".", layout.replicationSubnet());
    }

    private void refuseIfSubnetTaken(String net, String subnet) {
        List<String> users = new ArrayList<>();
        Exec.Result root = Exec.run("ip", "-o", "-4", "addr", "show");
        if (Netns.parseAddrLines(root.out()).stream().anyMatch(a -> a.startsWith(net))) {
            users.add("the host itself");
        }
        if (Exec.run("ip", "-o", "-4", "route", "show").out().contains(net)) {
            users.add("a route of the host");
        }
        for (String ns : Netns.list()) {
            if (Netns.ipv4Addresses(ns).stream().anyMatch(a -> a.startsWith(net))) {
                users.add("namespace " + ns);
            }
        }
        if (!users.isEmpty()) {
            throw new LabException("subnet " + subnet + " (derived from prefix '" + layout.prefix()
                    + "') is already used by " + String.join(", ", users) + "; choose another prefix");
        }
    }

    private void createBridge() {
        createBridge(layout.bridge());
    }

    /**
     * The replication network: a second bridge and an eth1 in every node's namespace, no route between it and the
     * cluster network, and nothing of the client's: only the nodes copy data to each other.
     */
    private void createReplicationNet() {
        createBridge(layout.replicationBridge());
        for (int i = 1; i <= layout.nodes(); i++) {
            String ns = layout.nodeNamespace(i);
            String port = layout.nodeReplicationPort(i);
            ip("link", "add", port, "type", "veth", "peer", "name", "eth1", "netns", ns);
            quietHostSide(port);
            ip("link", "set", port, "master", layout.replicationBridge());
            ip("link", "set", port, "up");
            ip("-n", ns, "addr", "add", layout.nodeReplicationAddress(i) + "/24", "dev", "eth1");
            ip("-n", ns, "link", "set", "eth1", "up");
        }
    }

    private void createBridge(String br) {
        // STP off and no forward delay: a port forwards the moment it joins, so traffic flows at once and a
        // healed node is reachable immediately. Multicast snooping off: multicast is flooded to all ports, with
        // no dependence on an IGMP querier that this private segment does not have.
        ip("link", "add", br, "type", "bridge", "stp_state", "0", "forward_delay", "0", "mcast_snooping", "0");
        // Bridge netfilter (br_netfilter) would pass bridged frames through the host's iptables; turn it off for
        // this bridge only. Older kernels lack the per-bridge switch, and then the module is normally absent.
        Exec.run("ip", "link", "set", br, "type", "bridge", "nf_call_iptables", "0", "nf_call_ip6tables", "0",
                "nf_call_arptables", "0");
        quietHostSide(br);
        ip("link", "set", br, "up");
    }

    private void createHost(String ns, String port, String address) {
        ip("netns", "add", ns);
        ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        quietHostSide(port);
        ip("link", "set", port, "master", layout.bridge());
        ip("link", "set", port, "up");
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        ip("-n", ns, "link", "set", "eth0", "up");
        // Multicast (if the cluster stack uses it) needs a route; this one stays on eth0, unlike a default route.
        ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", "eth0");
    }

    /** The root namespace must not speak on lab links (IPv6 autoconfiguration) nor route between them. */
    private static void quietHostSide(String link) {
        writeSysctl("/proc/sys/net/ipv6/conf/" + link + "/disable_ipv6", "1");
        writeSysctl("/proc/sys/net/ipv4/conf/" + link + "/forwarding", "0");
    }

    private static void writeSysctl(String path, String value) {
        try {
            Files.writeString(Path.of(path), value);
        } catch (IOException e) {
            // Absent (no IPv6) or read-only: nothing to quiet.
        }
    }

    /** Cuts a node off the bridge; its link stays up and its processes keep running. */
    public void detach(int node) {
        ip("link", "set", layout.nodePort(node), "nomaster");
    }

    /**
     * Puts a node back on the bridge and makes sure both ends of its link are up (and of its replication link, which
     * a power loss took down too; isolation leaves that network alone: it is another wire).
     */
    public void attach(int node) {
        ip("link", "set", layout.nodePort(node), "master", layout.bridge());
        ip("link", "set", layout.nodePort(node), "up");
        ip("-n", layout.nodeNamespace(node), "link", "set", "eth0", "up");
        if (layout.replicationNet()) ip("-n", layout.nodeNamespace(node), "link", "set", "eth1", "up");
    }

    /**
     * Cuts the path between two nodes only, both ways, with blackhole routes in each namespace: each still
     * reaches every other host (the client, a ping target, a witness). The link between two machines fails
     * while their uplinks stay.
     */
    public void cut(int a, int b) {
        ip("-n", layout.nodeNamespace(a), "route", "add", "blackhole", layout.nodeAddress(b) + "/32");
        ip("-n", layout.nodeNamespace(b), "route", "add", "blackhole", layout.nodeAddress(a) + "/32");
    }

    /** Node {@code i} can no longer reach {@code address} (its uplink to that host is gone); others still can. */
    public void unreachable(int i, String address) {
        ip("-n", layout.nodeNamespace(i), "route", "add", "blackhole", address + "/32");
    }

    /** Removes every blackhole route of {@link #cut} from node {@code i}; idempotent. */
    public void uncut(int i) {
        String ns = layout.nodeNamespace(i);
        for (String line : Exec.run("ip", "-n", ns, "-o", "route", "show", "type", "blackhole").out().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2 && f[0].equals("blackhole")) {
                Exec.run("ip", "-n", ns, "route", "del", "blackhole", f[1]);
            }
        }
    }

    public boolean attached(int node) {
        return Exec.run("ip", "-o", "link", "show", layout.nodePort(node)).out().contains("master " + layout.bridge());
    }

    /** Takes the node's side of its links down: the machine is off. */
    public void linkDown(int node) {
        ip("-n", layout.nodeNamespace(node), "link", "set", "eth0", "down");
        if (layout.replicationNet()) ip("-n", layout.nodeNamespace(node), "link", "set", "eth1", "down");
    }

    /**
     * Forgets every address on the node's eth0 but its own, as a rebooted machine would: a power loss does
     * not leave a virtual IP configured.
     */
    public void forgetExtraAddresses(int node) {
        String ns = layout.nodeNamespace(node);
        String own = Exec.run("ip", "-n", ns, "-o", "-4", "addr", "show", "dev", "eth0").out();
        for (String cidr : Netns.parseCidrLines(own)) {
            if (!cidr.startsWith(layout.nodeAddress(node) + "/")) {
                Exec.run("ip", "-n", ns, "addr", "del", cidr, "dev", "eth0");
            }
        }
    }

    /**
     * Removes every piece of the lab with this prefix that exists: first every process in its namespaces
     * (SIGTERM, SIGKILL after 2 s), then the namespaces, ports and bridge. Safe to call on a half-built lab
     * or twice.
     */
    public static void destroy(String prefix) {
        List<String> namespaces = namespacesOf(prefix);
        List<Long> pids = new ArrayList<>();
        namespaces.forEach(ns -> pids.addAll(Netns.pids(ns)));
        Pids.terminate(pids, Duration.ofSeconds(2));
        for (String ns : namespaces) {
            // Processes that appeared meanwhile (an agent restarting its service) go without grace.
            Pids.kill(Netns.pids(ns));
            Exec.run(IP_TIMEOUT, "ip", "netns", "del", ns);
        }
        for (String link : linksOf(prefix)) {
            Exec.run(IP_TIMEOUT, "ip", "link", "del", link);
        }
    }

    /** Namespaces that belong to the lab with this prefix: P-n1..P-n99 and P-client. */
    static List<String> namespacesOf(String prefix) {
        Pattern mine = Pattern.compile(Pattern.quote(prefix) + "-(n[1-9][0-9]?|client)");
        return Netns.list().stream().filter(n -> mine.matcher(n).matches()).toList();
    }

    /** Root-namespace links of the lab: its bridge and the host ends of its veth pairs. */
    static List<String> linksOf(String prefix) {
        Pattern mine = Pattern.compile(Pattern.quote(prefix) + "-(br|rbr|n[1-9][0-9]?-[hr]|client-h)");
        List<String> links = new ArrayList<>();
        for (String line : Exec.run("ip", "-o", "link", "show").out().split("\n")) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length >= 2) {
                String name = parts[1].split("@")[0];
                if (mine.matcher(name).matches()) {
                    links.add(name);
                }
            }
        }
        // The bridges last, after their ports.
        links.sort((a, b) -> Boolean.compare(a.endsWith("br"), b.endsWith("br")));
        return links;
    }

    private static void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Exec.run(IP_TIMEOUT, cmd).orThrow();
    }
}
