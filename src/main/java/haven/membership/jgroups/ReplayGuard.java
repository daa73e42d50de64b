package haven.membership.jgroups;

import java.util.HashMap;
import java.util.Map;

/**
 * Decides whether an authentic datagram is new: pure logic, time passed in.
 *
 * <p>Each sender stamps its datagrams with (boot epoch, counter, milliseconds since its boot). Per sender
 * this keeps the highest epoch and, within it, a sliding window of counters (as IPsec does): an older epoch,
 * a counter seen before, or one that fell behind the window is refused. A higher epoch is a restart of the
 * sender and starts a new window; the caller persists it so that a restart of this node does not accept
 * the sender's earlier epochs again ({@link #floor}).
 *
 * <p>The window only refuses what this node has seen; a datagram it never got (sent while it was cut off,
 * captured on the way) would pass it. So each datagram must also be fresh: the sender's clock and ours
 * differ by an unknown offset, but its smallest observed value (receive time minus send time) is that
 * offset plus the shortest transit. A datagram whose difference exceeds that minimum by more than
 * {@code maxAgeMs} was held back that long and is refused. The minimum may creep up by {@link #DRIFT_PER_MS}
 * so that clocks running at slightly different rates (NTP slews monotonic clocks by up to 500 ppm each) do
 * not slowly age every datagram; an attacker gains nothing from it but that drift.
 */
final class ReplayGuard {
    static final int WINDOW = 1024;
    static final double DRIFT_PER_MS = 0.001;

    enum Verdict { NEW, NEW_EPOCH, OLD_EPOCH, REPLAYED, BEHIND_WINDOW, STALE }

    private final long maxAgeMs;
    private final Map<String, Sender> senders = new HashMap<>();
    private final Map<String, Long> floors = new HashMap<>();

    ReplayGuard(long maxAgeMs) {
        if (maxAgeMs <= 0) throw new IllegalArgumentException("maxAgeMs must be positive: " + maxAgeMs);
        this.maxAgeMs = maxAgeMs;
    }

    /** Epochs below this one are refused for the sender: the highest epoch this node saw before it restarted. */
    synchronized void floor(String sender, long epoch) {
        floors.merge(sender, epoch, Math::max);
    }

    synchronized Map<String, Long> highestEpochs() {
        Map<String, Long> out = new HashMap<>(floors);
        senders.forEach((name, s) -> out.merge(name, s.epoch, Math::max));
        return out;
    }

    synchronized Verdict check(String sender, long epoch, long counter, long sentMs, long nowMs) {
        Sender s = senders.get(sender);
        long floor = floors.getOrDefault(sender, Long.MIN_VALUE);
        if (epoch < floor || (s != null && epoch < s.epoch)) return Verdict.OLD_EPOCH;
        if (s == null || epoch > s.epoch) {
            senders.put(sender, new Sender(epoch, counter, nowMs - sentMs, nowMs));
            return epoch > floor ? Verdict.NEW_EPOCH : Verdict.NEW;
        }
        if (counter <= s.highest - WINDOW) return Verdict.BEHIND_WINDOW;
        if (counter <= s.highest && s.seen(counter)) return Verdict.REPLAYED;
        long offset = nowMs - sentMs;
        long base = s.base(nowMs);
        if (offset - base > maxAgeMs) return Verdict.STALE;
        if (offset < base) {
            s.baseOffset = offset;
            s.baseAt = nowMs;
        }
        s.mark(counter);
        return Verdict.NEW;
    }

    /** One sender's epoch, counter window and clock offset. */
    private static final class Sender {
        final long epoch;
        long highest;
        /** Bit i set: counter (highest - i) was accepted. */
        final long[] bits = new long[WINDOW / 64];
        long baseOffset;
        long baseAt;

        Sender(long epoch, long counter, long offset, long nowMs) {
            this.epoch = epoch;
            this.highest = counter;
            this.baseOffset = offset;
            this.baseAt = nowMs;
            bits[0] = 1L;
        }

        long base(long nowMs) {
            return baseOffset + (long) (DRIFT_PER_MS * Math.max(0, nowMs - baseAt));
        }

        boolean seen(long counter) {
            long i = highest - counter;
            return (bits[(int) (i >>> 6)] & (1L << (i & 63))) != 0;
        }

        void mark(long counter) {
            if (counter > highest) {
                shift(counter - highest);
                highest = counter;
            }
            long i = highest - counter;
            bits[(int) (i >>> 6)] |= 1L << (i & 63);
        }

        /** Moves every mark n places further from the top; marks pushed past the window fall off. */
        private void shift(long n) {
            if (n >= WINDOW) {
                java.util.Arrays.fill(bits, 0L);
                return;
            }
            int words = (int) (n >>> 6);
            int rest = (int) (n & 63);
            for (int w = bits.length - 1; w >= 0; w--) {
                int from = w - words;
                long v = from >= 0 ? bits[from] << rest : 0L;
                if (rest != 0 && from - 1 >= 0) v |= bits[from - 1] >>> (64 - rest);
                bits[w] = v;
            }
        }
    }
}
