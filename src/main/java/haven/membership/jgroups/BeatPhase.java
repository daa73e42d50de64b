package haven.membership.jgroups;

import haven.core.NodeId;
import java.util.List;

/**
 * When the next beat goes out: at the node's own phase of the interval on the wall clock, each node of the
 * config a share of the interval after the one before it. A node drains its peers' beats at its tick, just
 * before it beats ({@link BeatSocket}); with the phases spread, a peer's beat waits there for part of an interval
 * and is echoed back in this node's beat right after, so a beat and its echo go round in one interval, as when
 * beats were read on arrival. Had every node beaten at the same instant, each would drain its peers' beats of
 * the previous instant: a round trip of two intervals, a lease renewed later. Clocks that disagree (NTP keeps
 * them within a millisecond or so) only shift the phases.
 *
 * <p>A wake-up that comes early does not beat twice for one phase: a delay under a quarter interval skips to
 * the one after. So beats are between 0.25 and 1.25 intervals apart when the phase is corrected (after a clock
 * step, say), one interval apart otherwise.
 */
final class BeatPhase {
    private BeatPhase() {}

    /** {@code self}'s phase: its place in the config's node list times the interval over the node count. */
    static long offsetMs(List<NodeId> nodes, NodeId self, long intervalMs) {
        int at = nodes.indexOf(self);
        return at < 0 ? 0 : at * intervalMs / nodes.size();
    }

    static long delayMs(long wallNowMs, long intervalMs, long offsetMs) {
        long delay = intervalMs - Math.floorMod(wallNowMs - offsetMs, intervalMs);
        return delay < intervalMs / 4 ? delay + intervalMs : delay;
    }
}
