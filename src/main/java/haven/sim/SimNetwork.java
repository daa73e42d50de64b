package haven.sim;

import haven.core.NodeId;
import haven.node.NodeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The simulated network: which nodes reach which, the membership views that follow after a detection
 * delay, and the heartbeats (unreliable multicasts) with their loss, duplication and delay.
 */
final class SimNetwork {
    private final SimCluster c;
    /** How long a silent node takes to leave the others' views: failure_timeout + verify_timeout. */
    final long detectMs;
    private final long beatMs;
    final Map<NodeId, Integer> partition = new TreeMap<>();
    /** Nodes cut off one way: they hear their peers, the peers do not hear them. */
    private final Set<NodeId> mute = new TreeSet<>();
    final Map<NodeId, String> viewKey = new TreeMap<>();
    final Map<NodeId, List<NodeId>> viewMembers = new TreeMap<>();
    private final Map<NodeId, Integer> viewNumber = new TreeMap<>();
    private int viewCounter = 0;
    /**
     * For each reader, the send time of the newest beat it has taken in from each peer: what it echoes back to
     * that peer in its own beats, as the real edge does, so a lease renews only from a beat its peers read.
     */
    private final Map<NodeId, Map<NodeId, Long>> heardSent = new TreeMap<>();
    /** For each reader, when it took in the beat whose send time it echoes, per peer. */
    private final Map<NodeId, Map<NodeId, Long>> heardAt = new TreeMap<>();
    /**
     * For each node, per peer that left its view, the latest moment its beats can have renewed that peer's
     * lease from (the edge's {@code BeatEcho}): carried in its beats as an age.
     */
    private final Map<NodeId, Map<NodeId, Long>> departedFrom = new TreeMap<>();
    private int beatLossPercent = 0;
    private int beatDuplicatePercent = 0;
    private int beatJitterMs = 0;

    SimNetwork(SimCluster c) {
        this.c = c;
        this.detectMs = c.config.timing().failureTimeout().plus(c.config.timing().verifyTimeout()).toMillis();
        this.beatMs = c.config.timing().heartbeatInterval().toMillis();
        for (NodeId n : c.config.nodeIds()) partition.put(n, 0);
    }

    void start() {
        for (NodeId n : c.config.nodeIds()) scheduleBeats(n);
        c.clock.at(100, this::membershipChanged);
    }

    /** Whether a message from {@code from} reaches {@code to} now (both ends' daemons aside). */
    boolean reaches(NodeId from, NodeId to) {
        return from.equals(to) || (partition.get(from).equals(partition.get(to)) && !mute.contains(from));
    }

    int nextElection() {
        return ++viewCounter;
    }

    void isolate(NodeId n, int part) {
        c.trace(" FAULT isolate " + n + " into partition " + part);
        partition.put(n, part);
        c.checks.topologyChanged();
        c.clock.at(detectMs, this::membershipChanged);
    }

    /**
     * An asymmetric cut: {@code n} still hears its peers, they no longer hear it. They drop it from their
     * views; it gets no new view (the view install does not reach it) and keeps hearing their heartbeats.
     */
    void cutOneWay(NodeId n) {
        c.trace(" FAULT one-way cut: " + n + " hears its peers, they do not hear it");
        c.probe(SimProbe.ONE_WAY_CUT);
        mute.add(n);
        c.checks.topologyChanged();
        c.clock.at(detectMs, this::membershipChanged);
    }

    /**
     * Heartbeats (unreliable, out-of-band multicasts in the real edge) are lost, duplicated and delayed by a
     * random extra time that reorders them, until {@link #heal}. The log stays reliable: JGroups retransmits.
     */
    void degrade(int lossPercent, int duplicatePercent, int jitterMs) {
        c.trace(" FAULT lossy network: " + lossPercent + "% of beats lost, " + duplicatePercent + "% duplicated, up to "
                + jitterMs + " ms of extra delay");
        c.probe(SimProbe.LOSSY_BEATS);
        beatLossPercent = lossPercent;
        beatDuplicatePercent = duplicatePercent;
        beatJitterMs = jitterMs;
    }

    void heal() {
        c.trace(" FAULT heal");
        partition.replaceAll((k, v) -> 0);
        mute.clear();
        c.checks.topologyChanged();
        beatLossPercent = 0;
        beatDuplicatePercent = 0;
        beatJitterMs = 0;
        c.clock.at(detectMs, this::membershipChanged);
    }

    /** The node's daemon starts afresh: it holds no view until the next one reaches it, and has heard no beat. */
    void forget(NodeId n) {
        viewKey.remove(n);
        viewNumber.remove(n);
        heardSent.remove(n);
        heardAt.remove(n);
        departedFrom.remove(n);
    }

    private void departures(NodeId n, List<NodeId> before, List<NodeId> after) {
        Map<NodeId, Long> departed = departedFrom.computeIfAbsent(n, k -> new TreeMap<>());
        for (NodeId peer : before == null ? List.<NodeId>of() : before) {
            if (!peer.equals(n) && !after.contains(peer)) departed.put(peer, heardAt.getOrDefault(n, Map.of()).getOrDefault(peer, c.now()));
        }
        departed.keySet().removeAll(after);
    }

    void membershipChanged() {
        for (List<NodeId> members : currentParts()) {
            int number = ++viewCounter;
            String key = "v" + number;
            c.trace(" VIEW " + key + " " + members);
            for (NodeId n : members) {
                // Views land on members with a skew, as in the lab: the majority must not rely on it being small.
                long skew = 1 + c.random.nextInt(c.random.nextInt(4) == 0 ? 1_200 : 30);
                c.clock.at(skew, () -> {
                    // Like JGroups (and our guard in the edge), a node never steps back to an older view.
                    if (!c.host(n).alive || viewNumber.getOrDefault(n, 0) > number) return;
                    viewNumber.put(n, number);
                    viewKey.put(n, key);
                    departures(n, viewMembers.get(n), members);
                    viewMembers.put(n, members);
                    c.checks.topologyChanged();
                    c.deliver(n, new NodeEvent.ViewChanged(key, members, c.now()), 0);
                });
            }
            c.log.elect(members, number);
        }
    }

    /** The members of each partition that a view would hold now: alive, not frozen, heard by the others. */
    List<List<NodeId>> currentParts() {
        Map<Integer, List<NodeId>> parts = new TreeMap<>();
        for (NodeId n : c.config.nodeIds()) {
            if (c.host(n).up(c.now()) && !mute.contains(n)) parts.computeIfAbsent(partition.get(n), k -> new ArrayList<>()).add(n);
        }
        return parts.values().stream().map(List::copyOf).toList();
    }

    private void scheduleBeats(NodeId n) {
        c.clock.at(beatMs, () -> {
            if (c.host(n).up(c.now())) {
                for (NodeId peer : c.config.nodeIds()) {
                    if (!peer.equals(n) && c.host(peer).alive && reaches(n, peer) && viewKey.containsKey(n)) {
                        if (c.random.nextInt(100) < beatLossPercent) continue;
                        Long echoed = heardSent.getOrDefault(n, Map.of()).get(peer);
                        Map<NodeId, Long> ages = new TreeMap<>();
                        departedFrom.getOrDefault(n, Map.of()).forEach((node, from) -> ages.put(node, c.now() + 1 - from));
                        NodeEvent.Beat beat = new NodeEvent.Beat(n, viewKey.get(n), viewMembers.get(n), c.host(n).core.status().state().version(),
                                c.now() + 1, echoed == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(echoed), ages);
                        c.deliver(peer, beat, 1 + c.random.nextInt(3) + (beatJitterMs > 0 ? c.random.nextInt(beatJitterMs) : 0));
                        if (c.random.nextInt(100) < beatDuplicatePercent) c.deliver(peer, beat, 1 + c.random.nextInt(3 + beatJitterMs));
                    }
                }
            }
            scheduleBeats(n);
        });
    }

    /** {@code reader} took in {@code beat} (its atMs still the send time): remember it for the echo. */
    void tookIn(NodeId reader, NodeEvent.Beat beat) {
        Map<NodeId, Long> sent = heardSent.computeIfAbsent(reader, k -> new TreeMap<>());
        if (beat.atMs() >= sent.getOrDefault(beat.from(), Long.MIN_VALUE)) {
            sent.put(beat.from(), beat.atMs());
            heardAt.computeIfAbsent(reader, k -> new TreeMap<>()).put(beat.from(), c.now());
        }
    }
}
