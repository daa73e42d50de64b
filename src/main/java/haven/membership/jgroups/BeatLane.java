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
 * <p>Where a beat goes: to the peer's beat port, where it waits for the peer's next tick to drain it, once the
 * peer has said in a beat that it drains one; to the peer's cluster port, where JGroups' receiving thread takes
 * it at once, while the sender's view is new (a failover waits for the survivors to confirm their view by beats)
 * and to a peer that has not said so (a daemon from before the beat port, or one not heard yet).
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
    private final Map<String, InetSocketAddress> beatPorts = new ConcurrentHashMap<>();
    private final Set<String> heard = ConcurrentHashMap.newKeySet();

    BeatLane(SealedUDP transport, BeatSocket socket, Map<String, InetSocketAddress> addresses) {
        this.transport = transport;
        this.socket = socket;
        this.addresses = Map.copyOf(addresses);
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

    /** The beat port this node drains, which its beats announce. */
    int beatPort() {
        return socket.port();
    }

    /**
     * Sends {@code payload} to the named nodes: to their beat ports where known, unless {@code atOnce}; a node
     * the config does not know is skipped. Every send is tried; the first failure is thrown after the rest went out.
     */
    void send(byte[] payload, Collection<String> to, boolean atOnce) throws Exception {
        byte[] sealed = transport.seal(frame(payload));
        Exception first = null;
        for (String node : to) {
            InetSocketAddress a = atOnce ? null : beatPorts.get(node);
            if (a == null) a = addresses.get(node);
            if (a == null) continue;
            try {
                socket.send(a, sealed);
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
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

    /** {@code node} drains beats at {@code port} of its configured address. */
    void drainsAt(String node, int port) {
        InetSocketAddress a = addresses.get(node);
        if (a == null) return;
        InetSocketAddress known = beatPorts.get(node);
        if (known == null || known.getPort() != port) beatPorts.put(node, new InetSocketAddress(a.getAddress(), port));
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
        beatPorts.keySet().retainAll(members);
    }
}
