package haven.lab;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

/**
 * Every name and address of one lab, derived from its prefix and node count alone, so that any later
 * command (down, fault, status) finds the same namespaces, links and addresses without asking anyone.
 *
 * <p>Interface names are limited to 15 characters by the kernel; the longest is {@code P-client-h}, hence
 * prefixes of at most 6 characters. The third octet of the lab's 10.231.S.0/24 comes from a stable hash of
 * the prefix so that two labs with different prefixes normally get different subnets; {@link LabNetwork}
 * refuses when the subnet is taken anyway.
 */
/**
 * {@code ocfAgents}: the web group is made of unmodified ClusterLabs agents (ocf:heartbeat:IPaddr2 and
 * ocf:heartbeat:nginx) instead of the built-in ipaddr and process. {@code freeze}: no_quorum_policy freeze.
 */
public record LabLayout(String prefix, int nodes, boolean witness, boolean fencing, boolean ping, boolean ocfAgents,
                        boolean freeze, boolean replicationNet) {
    public static final String DEFAULT_PREFIX = "hv";
    public static final int MAX_NODES = 16;
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,5}");

    public LabLayout {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new LabException("lab prefix '" + prefix + "' is not valid: use 1 to 6 lowercase letters or"
                    + " digits, starting with a letter (interface names such as '" + prefix + "-client-h'"
                    + " must fit in 15 characters)");
        }
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new LabException("a lab has 1 to " + MAX_NODES + " nodes, not " + nodes);
        }
        if (freeze && !fencing) {
            throw new LabException("a lab with no_quorum_policy freeze needs the fence device (--fencing): the majority"
                    + " starts a cut-off node's services only after powering it off");
        }
        if (witness && nodes < 2) {
            throw new LabException("a lab with a witness needs at least one node besides it");
        }
    }

    public LabLayout(String prefix, int nodes, boolean witness, boolean fencing, boolean ping, boolean ocfAgents, boolean freeze) {
        this(prefix, nodes, witness, fencing, ping, ocfAgents, freeze, false);
    }

    public LabLayout(String prefix, int nodes) {
        this(prefix, nodes, false, false, false, false, false);
    }

    /**
     * {@code nodes} service nodes, plus a witness as the last member when asked: the witness is a lab
     * host of its own (its own namespace and address), as it would be a machine of its own.
     */
    public static LabLayout of(String prefix, int serviceNodes, boolean witness) {
        return new LabLayout(prefix, serviceNodes + (witness ? 1 : 0), witness, false, false, false, false);
    }

    /** The same lab with the lab fence device configured for every node (fence_haven_lab: power off a host). */
    public LabLayout withFencing() {
        return new LabLayout(prefix, nodes, witness, true, ping, ocfAgents, freeze, replicationNet);
    }

    /** The same lab with the client host as the cluster's ping node: a stand-in for the uplink's router. */
    public LabLayout withPing() {
        return new LabLayout(prefix, nodes, witness, fencing, true, ocfAgents, freeze, replicationNet);
    }

    /** The same lab with no_quorum_policy freeze (needs the fence device): a cut-off node keeps its services. */
    public LabLayout withFreeze() {
        return new LabLayout(prefix, nodes, witness, fencing, ping, ocfAgents, true, replicationNet);
    }

    /** The same lab with the web group made of ocf:heartbeat:IPaddr2 and ocf:heartbeat:nginx. */
    public LabLayout withOcfAgents() {
        return new LabLayout(prefix, nodes, witness, fencing, ping, true, freeze, replicationNet);
    }

    /** A second network for replicated data: a bridge of its own, an eth1 on every node (not the client). */
    public LabLayout withReplicationNet() {
        return new LabLayout(prefix, nodes, witness, fencing, ping, ocfAgents, freeze, true);
    }

    public String replicationBridge() {
        return prefix + "-rbr";
    }

    public String nodeReplicationPort(int i) {
        return prefix + "-n" + i + "-r";
    }

    /** The replication network: 10.232.X.0/24 beside the cluster's 10.231.X.0/24, the same X. */
    public String replicationSubnet() {
        return "10.232." + subnetOctet() + ".0/24";
    }

    public String nodeReplicationAddress(int i) {
        return "10.232." + subnetOctet() + "." + (10 + i);
    }

    /**
     * Two service nodes with the fence device and no witness run in two_node mode: the one quorum mode that
     * fits them (majority would need both nodes up, so neither could survive the other).
     */
    public boolean twoNode() {
        return nodes == 2 && !witness && fencing;
    }

    /** Whether member i is the witness (always the last one). */
    public boolean isWitness(int i) {
        return witness && i == nodes;
    }

    /** Third octet of the lab subnet: 1..250, stable across runs and machines. */
    public int subnetOctet() {
        CRC32 crc = new CRC32();
        crc.update(prefix.getBytes(StandardCharsets.US_ASCII));
        return (int) (crc.getValue() % 250) + 1;
    }

    public String subnet() {
        return "10.231." + subnetOctet() + ".0/24";
    }

    /** n1, n2, ...; the witness is w and its number (w3), so that no one mistakes it for a service node. */
    public String nodeName(int i) {
        return (isWitness(i) ? "w" : "n") + i;
    }

    public List<String> nodeNames() {
        return IntStream.rangeClosed(1, nodes).mapToObj(this::nodeName).toList();
    }

    /** Node index from its name ("n2" → 2), or an error naming the nodes that exist. */
    public int indexOf(String nodeName) {
        for (int i = 1; i <= nodes; i++) {
            if (nodeName(i).equals(nodeName)) {
                return i;
            }
        }
        throw new LabException("no node '" + nodeName + "' in lab '" + prefix + "'; nodes are " + nodeNames());
    }

    public String nodeNamespace(int i) {
        return prefix + "-n" + i;
    }

    public String clientNamespace() {
        return prefix + "-client";
    }

    public List<String> namespaces() {
        List<String> all = new java.util.ArrayList<>(IntStream.rangeClosed(1, nodes).mapToObj(this::nodeNamespace).toList());
        all.add(clientNamespace());
        return all;
    }

    public String bridge() {
        return prefix + "-br";
    }

    /** Host-side end of a node's veth pair, the port on the bridge; the namespace side is always eth0. */
    public String nodePort(int i) {
        return prefix + "-n" + i + "-h";
    }

    public String clientPort() {
        return prefix + "-client-h";
    }

    /** The service nodes' numbers but {@code node}'s, in order. */
    public java.util.List<Integer> nodesBut(int node) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            if (i != node) out.add(i);
        }
        return out;
    }

    public String nodeAddress(int i) {
        return "10.231." + subnetOctet() + "." + (10 + i);
    }

    public String clientAddress() {
        return "10.231." + subnetOctet() + ".200";
    }

    public String vip() {
        return "10.231." + subnetOctet() + ".100";
    }

    public String clusterName() {
        return prefix + "lab";
    }
}
