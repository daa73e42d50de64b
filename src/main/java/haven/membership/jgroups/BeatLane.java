package haven.membership.jgroups;

import haven.config.ClusterConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * haven's heartbeats on a lane of their own, beside JGroups: sealed once on the beat thread and sent straight
 * through the transport's socket to every member, opened on the transport's receiving thread and queued for
 * the node there. Through JGroups, each beat went down and up sixteen protocols, was sealed once per member and
 * crossed into the thread pool on arrival, a thread hand-over per datagram; an idle node's CPU went mostly to
 * that (docs/design.md, "The beat lane").
 *
 * <p>Same socket, same port, same seal and replay window as everything else: no firewall rule, key or check of
 * its own. A lane datagram's plain text starts with two bytes that no JGroups datagram starts with (JGroups'
 * begin with its version, never 0), so a daemon from before the lane drops it as a message of an unknown
 * JGroups version; the beat goes through JGroups too as long as some member has not been heard on the lane.
 */
final class BeatLane {
    private static final byte MARK_0 = 0;
    private static final byte MARK_1 = 'h';
    /** Where a lane datagram's payload starts in its plain text. */
    static final int PAYLOAD_OFFSET = 2;

    private final SealedUDP transport;
    private final Map<String, InetSocketAddress> addresses;
    private final Set<String> heard = ConcurrentHashMap.newKeySet();

    BeatLane(SealedUDP transport, Map<String, InetSocketAddress> addresses) {
        this.transport = transport;
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

    /**
     * Sends {@code payload} to the named nodes; a node the config does not know is skipped. Every send is tried;
     * the first failure is thrown after the rest went out.
     */
    void send(byte[] payload, Collection<String> to) throws Exception {
        byte[] sealed = transport.seal(frame(payload));
        Exception first = null;
        for (String node : to) {
            InetSocketAddress a = addresses.get(node);
            if (a == null) continue;
            try {
                transport.sendSealed(a.getAddress(), a.getPort(), sealed);
            } catch (Exception e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
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
    }
}
