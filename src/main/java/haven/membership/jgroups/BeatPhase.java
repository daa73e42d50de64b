package haven.membership.jgroups;

/**
 * When the next beat goes out: at the next multiple of the interval on the wall clock. Nodes whose clocks
 * agree (NTP keeps them within a millisecond or so) then beat at the same instants, and a node's receiving
 * thread takes its peers' beats in one wake-up instead of one each; on an idle node the wake-ups, not the work,
 * are most of the cost. Clocks that disagree only lose that saving: the delay is the same either way.
 *
 * <p>A wake-up that comes early does not beat twice for one multiple: a delay under a quarter interval skips
 * to the multiple after. So beats are between 0.25 and 1.25 intervals apart when the phase is corrected
 * (after a clock step, say), one interval apart otherwise.
 */
final class BeatPhase {
    private BeatPhase() {}

    static long delayMs(long wallNowMs, long intervalMs) {
        long delay = intervalMs - Math.floorMod(wallNowMs, intervalMs);
        return delay < intervalMs / 4 ? delay + intervalMs : delay;
    }
}
