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
 * <p><b>Departed peers.</b> When a peer leaves this node's view, this node remembers the latest moment from
 * which any beat it sent can have renewed that peer's lease: when it took in the peer's stamp it echoes (the
 * peer sent it before that), or the view change itself if it held no stamp (its beats then echoed nothing and
 * renew from their reading time). Its beats carry the age of that moment, {@code ~NODE=AGE}, for
 * {@link #DEPARTED_CARRY_MS}: the coordinator subtracts it from its own reading time, which is no earlier than
 * the send, to learn without synchronized clocks when the departed node's lease can at the latest have been
 * renewed ({@code node.Lease}). Older daemons skip the entry: no node name starts with {@code ~}.
 *
 * <p>Thread-safe: the beat timer writes, the channel's receiver threads read and write.
 */
final class BeatEcho {
    private final String self;
    private final String incarnation;
    /** Per peer node, the latest stamp heard from it. */
    private final Map<String, String> heard = new ConcurrentHashMap<>();
    /** Per peer node, when that stamp was taken in (this node's clock). */
    private final Map<String, Long> heardAtMs = new ConcurrentHashMap<>();
    /** Per peer that left the view, the latest moment this node's beats can have renewed its lease from. */
    private final Map<String, Long> departedFromMs = new ConcurrentHashMap<>();
    private volatile List<String> members = List.of();
    /**
     * How long a departed peer's age is carried: longer than any coordinator waits after a view change for a
     * lease to run out. A beat without it makes the coordinator fall back to its reading time, still safe.
     */
    static final long DEPARTED_CARRY_MS = 10_000;
    /** An echo of an earlier run of this node: the beat renews nothing ({@link #echoedToMe}). */
    static final long EARLIER_RUN = Long.MIN_VALUE;

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

    /** {@link #echoes()} and the departed peers' ages ({@code ~NODE=AGE_MS}) for a beat sent at {@code nowMs}. */
    String echoes(long nowMs) {
        StringBuilder b = new StringBuilder(echoes());
        departedFromMs.entrySet().removeIf(e -> nowMs - e.getValue() > DEPARTED_CARRY_MS);
        departedFromMs.forEach((node, from) -> b.append(b.isEmpty() ? "" : ",").append('~').append(node).append('=')
                .append(Math.max(0, nowMs - from)));
        return b.toString();
    }

    /** Takes in a peer's beat stamp (the latest, not the largest: a restarted peer's clock may be behind). */
    void heard(String peer, String stamp) {
        heard(peer, stamp, Long.MAX_VALUE);
    }

    /** Takes in a peer's beat stamp read at {@code atMs}. */
    void heard(String peer, String stamp, long atMs) {
        if (stamp.indexOf(':') <= 0) return;
        heardAtMs.put(peer, atMs);
        heard.put(peer, stamp);
    }

    /** Forgets peers that left the view, so a node that comes back is echoed only what it sends then. */
    void retain(List<String> members) {
        retain(members, Long.MAX_VALUE);
    }

    /** The view changed at {@code nowMs} to {@code newMembers}: see "Departed peers" above. */
    void retain(List<String> newMembers, long nowMs) {
        for (String peer : members) {
            if (!peer.equals(self) && !newMembers.contains(peer)) {
                Long at = heard.containsKey(peer) ? heardAtMs.get(peer) : null;
                departedFromMs.put(peer, at == null ? nowMs : Math.min(at, nowMs));
            }
        }
        departedFromMs.keySet().removeAll(newMembers);
        heard.keySet().retainAll(newMembers);
        heardAtMs.keySet().retainAll(newMembers);
        members = List.copyOf(newMembers);
    }

    /** The departed peers' ages a peer's {@link #echoes(long)} carries; entries that do not parse are skipped. */
    static Map<String, Long> departedAges(String echoes) {
        Map<String, Long> ages = new java.util.TreeMap<>();
        if (echoes.isEmpty()) return ages;
        for (String pair : echoes.split(",")) {
            int eq = pair.indexOf('=');
            if (!pair.startsWith("~") || eq <= 1) continue;
            try {
                long age = Long.parseLong(pair.substring(eq + 1));
                if (age >= 0) ages.put(pair.substring(1, eq), age);
            } catch (NumberFormatException bad) {
                // skipped: an age that does not parse only makes the coordinator wait its full time
            }
        }
        return ages;
    }

    /**
     * The send time of this node's own beat that {@code echoes} (a peer's {@link #echoes}) names; empty if it
     * names none (the beat then renews from its reading time, as an older daemon's does), {@link #EARLIER_RUN}
     * if it names one of an earlier run (the peer has not heard this run yet: the beat renews nothing, as the
     * peer can only vouch for its departure anchor from stamps of this run); IllegalArgumentException for a
     * malformed time.
     */
    OptionalLong echoedToMe(String echoes) {
        if (echoes.isEmpty()) return OptionalLong.empty();
        for (String pair : echoes.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !pair.substring(0, eq).equals(self)) continue;
            String stamp = pair.substring(eq + 1);
            int colon = stamp.indexOf(':');
            if (colon <= 0) return OptionalLong.empty();
            if (!stamp.substring(0, colon).equals(incarnation)) return OptionalLong.of(EARLIER_RUN);
            return OptionalLong.of(Long.parseLong(stamp.substring(colon + 1)));
        }
        return OptionalLong.empty();
    }
}
