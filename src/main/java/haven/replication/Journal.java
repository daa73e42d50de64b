package haven.replication;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The primary's recent records, in order, kept in memory for the replicas' senders up to a byte limit: a replica
 * that falls further behind than the journal reaches catches up again from the directory itself.
 */
final class Journal {
    record Entry(long seq, byte[] body) {}

    /** A reader asked for records the journal no longer holds. */
    static final class FellBehind extends Exception {
        FellBehind(long wanted, long oldest) {
            super("record " + wanted + " is gone from the journal (oldest kept: " + oldest + ")");
        }
    }

    private final long limitBytes;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long bytes;
    private long lastSeq;

    Journal(long limitBytes, long lastSeq) {
        this.limitBytes = limitBytes;
        this.lastSeq = lastSeq;
    }

    synchronized void append(long seq, byte[] body) {
        if (seq != lastSeq + 1) throw new IllegalStateException("record " + seq + " after " + lastSeq + ": haven-rdir skipped or repeated one");
        entries.addLast(new Entry(seq, body));
        bytes += body.length;
        lastSeq = seq;
        while (bytes > limitBytes && entries.size() > 1) bytes -= entries.removeFirst().body().length;
        notifyAll();
    }

    synchronized long lastSeq() {
        return lastSeq;
    }

    /** The records after {@code seq}, waiting up to {@code wait} for one; empty when none came. */
    synchronized List<Entry> after(long seq, Duration wait) throws FellBehind, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (lastSeq <= seq) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return List.of();
            wait(Math.max(1, left / 1_000_000));
        }
        Entry first = entries.peekFirst();
        if (first == null || first.seq() > seq + 1) throw new FellBehind(seq + 1, first == null ? lastSeq + 1 : first.seq());
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.seq() > seq) out.add(e);
            if (out.size() >= 256) break;
        }
        return out;
    }
}
