package haven.membership.jgroups;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which peers' beat ports ({@link BeatSocket}) this node's beats may go to: only where they are known to arrive.
 * A firewall that passes the cluster port but not the one after it (rules written before the beat port existed)
 * must cost CPU, never membership or a lease. So each beat says, beside this node's beat port, which peers'
 * beats reached that port within {@link #REACH_WINDOW_MS}; a peer's beat port is used only while the peer's
 * latest beat, itself heard within that window, names this node. Otherwise the beat goes to the peer's cluster
 * port, read at once, and from time to time a copy to its beat port tries the way again (the caller decides
 * when: see {@code Heartbeats}). A beat port blocked later stops being used about one window after the last beat
 * that came through, in either direction.
 *
 * <p>Written by the beat thread and JGroups' receiving thread (beats read at once), read by the beat thread.
 */
final class BeatPorts {
    /** Three beats: one lost beat does not switch a peer back to its cluster port. */
    static final long REACH_WINDOW_MS = 250;

    private final Map<String, InetSocketAddress> clusterAddresses;
    private final String self;
    private final Map<String, InetSocketAddress> advertised = new ConcurrentHashMap<>();
    /** Per peer, when its latest beat that named this node came; absent once a later one did not. */
    private final Map<String, Long> namesSelfAtMs = new ConcurrentHashMap<>();
    /** Per peer, when its latest beat that did not name this node came. */
    private final Map<String, Long> omitsSelfAtMs = new ConcurrentHashMap<>();
    /** Per peer, when its latest datagram came through this node's beat port. */
    private final Map<String, Long> reachedAtMs = new ConcurrentHashMap<>();

    BeatPorts(String self, Map<String, InetSocketAddress> clusterAddresses) {
        this.self = self;
        this.clusterAddresses = Map.copyOf(clusterAddresses);
    }

    /** This node's field for its next beat: its beat port and the peers that reached it lately, {@code 7801:n1,n3}. */
    String field(int port, long nowMs) {
        TreeSet<String> reached = new TreeSet<>();
        reachedAtMs.forEach((peer, at) -> {
            if (nowMs - at <= REACH_WINDOW_MS) reached.add(peer);
        });
        return reached.isEmpty() ? Integer.toString(port) : port + ":" + String.join(",", reached);
    }

    /** A datagram from {@code peer} came through this node's beat port; {@code atMs}: near its arrival. */
    void reached(String peer, long atMs) {
        reachedAtMs.merge(peer, atMs, Math::max);
    }

    /**
     * A beat of {@code peer}, dated {@code atMs}, with its field; false (and nothing learned) when the field does
     * not parse.
     */
    boolean heard(String peer, String field, long atMs) {
        int colon = field.indexOf(':');
        int port;
        try {
            port = Integer.parseInt(colon < 0 ? field : field.substring(0, colon));
        } catch (NumberFormatException bad) {
            return false;
        }
        InetSocketAddress cluster = clusterAddresses.get(peer);
        if (port < 1 || port > 65_535 || cluster == null) return false;
        InetSocketAddress known = advertised.get(peer);
        if (known == null || known.getPort() != port) advertised.put(peer, new InetSocketAddress(cluster.getAddress(), port));
        boolean namesSelf = colon >= 0 && java.util.Arrays.asList(field.substring(colon + 1).split(",")).contains(self);
        // Beats come on two threads and out of order: only a later one overrules.
        if (namesSelf) {
            if (atMs >= omitsSelfAtMs.getOrDefault(peer, Long.MIN_VALUE)) namesSelfAtMs.merge(peer, atMs, Math::max);
        } else {
            omitsSelfAtMs.merge(peer, atMs, Math::max);
            namesSelfAtMs.computeIfPresent(peer, (p, at) -> at > atMs ? at : null);
        }
        return true;
    }

    /** Where a beat to {@code peer} may go now that need not arrive at once: its beat port, or null. */
    InetSocketAddress usable(String peer, long nowMs) {
        Long at = namesSelfAtMs.get(peer);
        return at != null && nowMs - at <= REACH_WINDOW_MS ? advertised.get(peer) : null;
    }

    /** The beat port {@code peer} said it drains, whether or not this node's beats reach it: for a trial copy. */
    InetSocketAddress advertised(String peer) {
        return advertised.get(peer);
    }

    /** Forgets nodes that left the view: one that comes back may come back as another daemon. */
    void retain(Collection<String> members) {
        advertised.keySet().retainAll(members);
        namesSelfAtMs.keySet().retainAll(members);
        omitsSelfAtMs.keySet().retainAll(members);
        reachedAtMs.keySet().retainAll(members);
    }
}
