package haven.replication;

import java.util.Arrays;

/**
 * How far the replicas trail the primary: when each record was journaled and how many bytes the stream held up
 * to it (for the last {@value #WINDOW} records), and the latest confirmation delays. Gives a replica's lag in bytes
 * (what it has not confirmed) and the delay percentiles status and the bench report.
 */
final class LagMeter {
    static final int WINDOW = 1 << 16;
    private static final int SAMPLES = 4096;

    private final long[] journaledAt = new long[WINDOW];
    private final long[] bytesThrough = new long[WINDOW];
    private final long[] delays = new long[SAMPLES];
    private long lastSeq;
    private long totalBytes;
    private long samples;

    synchronized void journaled(long seq, int bytes, long nanos) {
        totalBytes += bytes;
        journaledAt[(int) (seq & (WINDOW - 1))] = nanos;
        bytesThrough[(int) (seq & (WINDOW - 1))] = totalBytes;
        lastSeq = seq;
    }

    /** A replica confirmed everything through {@code seq} at {@code nanos}. */
    synchronized void confirmed(long seq, long nanos) {
        if (seq <= 0 || lastSeq - seq >= WINDOW) return;
        delays[(int) (samples++ % SAMPLES)] = nanos - journaledAt[(int) (seq & (WINDOW - 1))];
    }

    /** The bytes journaled after {@code seq}; when seq fell out of the window, at least the window's bytes. */
    synchronized long bytesAfter(long seq) {
        if (seq >= lastSeq) return 0;
        if (seq <= 0 || lastSeq - seq >= WINDOW) return totalBytes - (lastSeq >= WINDOW ? bytesThrough[(int) ((lastSeq + 1) & (WINDOW - 1))] : 0);
        return totalBytes - bytesThrough[(int) (seq & (WINDOW - 1))];
    }

    /** The {@code percent}th percentile of the latest confirmation delays, in milliseconds; -1 without samples. */
    synchronized double delayMillis(double percent) {
        int n = (int) Math.min(samples, SAMPLES);
        if (n == 0) return -1;
        long[] sorted = Arrays.copyOf(delays, n);
        Arrays.sort(sorted);
        int at = (int) Math.min(n - 1, Math.max(0, Math.ceil(percent / 100 * n) - 1));
        return sorted[at] / 1e6;
    }
}
