package haven.membership.jgroups;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The echo half of a heartbeat: each beat carries its send time on the sender's monotonic clock, and the
 * latest such stamp the sender heard from every peer. A peer's beat read late (it waited in the socket while
 * this node stood still) then renews this node's lease only from the send time of the own beat it echoes,
 * which the peer provably heard before it sent the beat; see {@code node.Lease}.
 *
 * <p>A stamp is {@code INCARNATION:MS}: the incarnation, drawn at each daemon start, keeps an echo of an
 * earlier run of the same node (another machine's clock, perhaps) from counting.
 *
 * <p>Thread-safe: the beat timer writes, the channel's receiver threads read and write.
 */
final class BeatEcho {
    private final String self;
    private final String incarnation;
    /** Per peer node, the latest stamp heard from it. */
    private final Map<String, String> heard = new ConcurrentHashMap<>();

    BeatEcho(String self, long incarnation) {
        this.self = self;
        this.incarnation = Long.toUnsignedString(incarnation, 36);
    }

    /** This node's stamp for a beat sent at {@code nowMs}. */
    String stamp(long nowMs) {
        return incarnation + ":" + nowMs;
    }

    /** The peers' stamps this node heard, for its next beat: {@code NODE=STAMP,...}. */
    String echoes() {
        StringBuilder b = new StringBuilder();
        heard.forEach((node, stamp) -> b.append(b.isEmpty() ? "" : ",").append(node).append('=').append(stamp));
        return b.toString();
    }

    /** Takes in a peer's beat stamp (the latest, not the largest: a restarted peer's clock may be behind). */
    void heard(String peer, String stamp) {
        if (stamp.indexOf(':') > 0) heard.put(peer, stamp);
    }

    /** Forgets peers that left the view, so a node that comes back is echoed only what it sends then. */
    void retain(List<String> members) {
        heard.keySet().retainAll(members);
    }

    /**
     * The send time of this node's own beat that {@code echoes} (a peer's {@link #echoes}) names, if it is of
     * this run; IllegalArgumentException for a malformed time.
     */
    OptionalLong echoedToMe(String echoes) {
        if (echoes.isEmpty()) return OptionalLong.empty();
        for (String pair : echoes.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !pair.substring(0, eq).equals(self)) continue;
            String stamp = pair.substring(eq + 1);
            int colon = stamp.indexOf(':');
            if (colon <= 0 || !stamp.substring(0, colon).equals(incarnation)) return OptionalLong.empty();
            return OptionalLong.of(Long.parseLong(stamp.substring(colon + 1)));
        }
        return OptionalLong.empty();
    }
}
