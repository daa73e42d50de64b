package haven.membership.jgroups;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of this daemon's cluster datagrams, for /metrics. Process-wide: a daemon runs one cluster channel.
 */
public final class TrafficStats {
    /** Why a datagram was refused; the names are the metric's {@code reason} label. */
    public enum Refusal {
        NOT_SEALED("not_sealed"), UNKNOWN_SENDER("unknown_sender"), FORGED("forged"), OLD_EPOCH("old_epoch"),
        REPLAYED("replayed"), BEHIND_WINDOW("behind_window"), STALE("stale");

        public final String label;

        Refusal(String label) {
            this.label = label;
        }
    }

    private static final AtomicLong ACCEPTED = new AtomicLong();
    private static final AtomicLong SENT = new AtomicLong();
    private static final Map<Refusal, AtomicLong> REFUSED = new EnumMap<>(Refusal.class);

    static {
        for (Refusal r : Refusal.values()) REFUSED.put(r, new AtomicLong());
    }

    private TrafficStats() {}

    static void accepted() {
        ACCEPTED.incrementAndGet();
    }

    static void sent() {
        SENT.incrementAndGet();
    }

    static void refused(Refusal why) {
        REFUSED.get(why).incrementAndGet();
    }

    public static long acceptedCount() {
        return ACCEPTED.get();
    }

    public static long sentCount() {
        return SENT.get();
    }

    public static long refusedCount(Refusal why) {
        return REFUSED.get(why).get();
    }
}
