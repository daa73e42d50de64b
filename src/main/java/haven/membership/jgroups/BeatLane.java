package haven.membership.jgroups;

import haven.config.ClusterConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ObjLongConsumer;

/**
 * haven's heartbeats on a lane of their own, beside JGroups: sealed once on the beat thread and sent from the
 * beat port ({@link BeatSocket}) to every member. Through JGroups, each beat went down and up sixteen protocols,
 * was sealed once per member and crossed into the thread pool on arrival; an idle node's CPU went mostly to that
 * (docs/design.md, "The beat lane").
 *
 * <p>Where a beat goes: to the peer's beat port, where it waits for the peer's next tick to drain it, while the
 * peer's beats say this node's beats reach it there ({@link BeatPorts}); to the peer's cluster port, where
 * JGroups' receiving thread takes it at once, while the sender's view is new (a failover waits for the survivors
 * to confirm their view by beats) and to a peer whose beat port is not known to work (a daemon from before the
 * beat port, one not heard yet, a firewall that passes only the cluster port).
 *
 * <p>The same seal and replay window as everything else, no key of its own. A lane datagram's plain text starts
 * with two bytes that no JGroups datagram starts with (JGroups' begin with its version, never 0), so a daemon
 * from before the lane drops it as a message of an unknown JGroups version; the beat goes through JGroups too
 * as long as some member has not been heard on the lane.
 */
final class BeatLane {
    private static final byte MARK_0 = 0;
    private static final byte MARK_1 = 'h';
    /** Where a lane datagram's payload starts in its plain text. */
    static final int PAYLOAD_OFFSET = 2;
    /** Per drain, per configured node: more than one waiting means beats from a pause, or a flood. */
    private static final int DRAIN_PER_NODE = 8;

    private final SealedUDP transport;
    private final BeatSocket socket;
    private final Map<String, InetSocketAddress> addresses;
    private final BeatPorts beatPorts;
    private final Set<String> heard = ConcurrentHashMap.newKeySet();

    BeatLane(String self, SealedUDP transport, BeatSocket socket, Map<String, InetSocketAddress> addresses) {
        this.transport = transport;
        this.socket = socket;
        this.addresses = Map.copyOf(addresses);
        this.beatPorts = new BeatPorts(self, addresses);
    }

    /** Every node's cluster address and port, as the config gives them (the address is a literal; nothing resolves). */
    static Map<String, InetSocketAddress> addressesOf(ClusterConfig config) {
        Map<String, InetSocketAddress> byName = new HashMap<>();
        for (var node : config.nodes()) {
            try {
                byName.put(node.id().name(), new InetSocketAddress(InetAddress.getByName(node.address()), config.port()));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("node " + node.id().name() + ": address " + node.address() + " does not resolve", e);
            }
        }
        return byName;
    }

    /** Whether an opened datagram is a lane datagram. */
    static boolean carries(byte[] plain) {
        return plain.length > PAYLOAD_OFFSET && plain[0] == MARK_0 && plain[1] == MARK_1;
    }

    static byte[] frame(byte[] payload) {
        byte[] framed = new byte[payload.length + PAYLOAD_OFFSET];
        framed[0] = MARK_0;
        framed[1] = MARK_1;
        System.arraycopy(payload, 0, framed, PAYLOAD_OFFSET, payload.length);
        return framed;
    }

    /** What this node's beats say of its beat port ({@link BeatPorts#field}). */
    String beatPortField(long nowMs) {
        return beatPorts.field(socket.port(), nowMs);
    }

    /** A peer's beat said this of its beat port; false when that does not parse. */
    boolean heardBeatPortField(String peer, String field, long atMs) {
        return beatPorts.heard(peer, field, atMs);
    }

    /** A lane datagram from {@code peer} came through the beat port. */
    void reachedBeatPort(String peer, long atMs) {
        beatPorts.reached(peer, atMs);
    }

    /**
     * Sends {@code payload} to the named nodes: to their beat ports where they work, unless {@code atOnce}, else
     * to their cluster ports, and then with {@code tryBeatPorts} a copy to each beat port not (or not now) used; a
     * node the config does not know is skipped. Every send is tried; the first failure is thrown after the rest.
     */
    void send(byte[] payload, Collection<String> to, boolean atOnce, boolean tryBeatPorts, long nowMs) throws Exception {
        byte[] framed = frame(payload);
        byte[] sealed = transport.seal(framed);
        byte[] trialCopy = null; // sealed apart: the same datagram twice is a replay to the peer, and one copy is refused
        Exception first = null;
        for (String node : to) {
            InetSocketAddress cluster = addresses.get(node);
            if (cluster == null) continue;
            InetSocketAddress beatPort = atOnce ? null : beatPorts.usable(node, nowMs);
            first = sendOrKeep(beatPort != null ? beatPort : cluster, sealed, first);
            InetSocketAddress trial = beatPort == null && tryBeatPorts ? beatPorts.advertised(node) : null;
            if (trial != null) {
                if (trialCopy == null) trialCopy = transport.seal(framed);
                first = sendOrKeep(trial, trialCopy, first);
            }
        }
        if (first != null) throw first;
    }

    /** Sends; returns the first failure so far, {@code first} or this one. */
    private Exception sendOrKeep(InetSocketAddress to, byte[] sealed, Exception first) {
        try {
            socket.send(to, sealed);
            return first;
        } catch (Exception e) {
            return first == null ? e : first;
        }
    }

    /**
     * Opens the lane datagrams waiting at the beat port and hands each plain text, with how long it was held
     * ({@link ReplayGuard#heldMs}), to {@code reader}; anything that is not an authentic, new lane datagram is
     * dropped (and counted by the seal).
     */
    void drain(ObjLongConsumer<byte[]> reader) throws IOException {
        socket.drain(DRAIN_PER_NODE * addresses.size(), (from, datagram) -> {
            Sealer.Opened opened = transport.openLane(from, datagram);
            if (opened != null) reader.accept(opened.plain(), opened.heldMs());
        });
    }

    void heard(String node) {
        heard.add(node);
    }

    boolean hears(String node) {
        return heard.contains(node);
    }

    /**
     * Whether the lane reaches every one of {@code nodes} both ways: each has been heard on it and has an address
     * here (a member this node's config does not name gets its beats through JGroups).
     */
    boolean hearsAll(Collection<String> nodes) {
        return heard.containsAll(nodes) && addresses.keySet().containsAll(nodes);
    }

    /** Forgets nodes that left the view: one that comes back may come back as an older daemon. */
    void retain(Collection<String> members) {
        heard.retainAll(members);
        beatPorts.retain(members);
    }
}
