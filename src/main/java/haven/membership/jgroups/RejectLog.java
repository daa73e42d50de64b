package haven.membership.jgroups;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rate limit for the log of refused datagrams: a flood must not fill the disk. The first refusal from a
 * source is logged; later ones within {@code intervalMs} are only counted, and the count is reported with
 * the next line logged for that source. Sources beyond {@code maxSources} (a spoofed-address flood) share
 * one entry. Pure: time is a parameter, and the caller writes the line it gets.
 */
final class RejectLog {
    static final String OTHER_SOURCES = "other sources";

    private final long intervalMs;
    private final int maxSources;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    private static final class Entry {
        long loggedAt;
        long suppressed;
    }

    RejectLog(long intervalMs, int maxSources) {
        this.intervalMs = intervalMs;
        this.maxSources = maxSources;
    }

    /** The line to log for this refusal, or null when it is only counted. */
    synchronized String refused(String source, String reason, long nowMs) {
        String key = entries.containsKey(source) || entries.size() < maxSources ? source : OTHER_SOURCES;
        Entry e = entries.get(key);
        if (e == null) {
            e = new Entry();
            entries.put(key, e);
        } else if (nowMs - e.loggedAt < intervalMs) {
            e.suppressed++;
            return null;
        }
        String more = e.suppressed == 0 ? "" : " (" + e.suppressed + " more refused from there since the last report)";
        e.loggedAt = nowMs;
        e.suppressed = 0;
        return "refused a cluster datagram from " + key + ": " + reason + more
                + "; further refusals from there are counted (haven_cluster_datagrams_refused_total) and reported at most every "
                + intervalMs / 1000 + " s";
    }

    /** Forgets sources quiet for a whole interval, so the map stays small after a flood. */
    synchronized void expire(long nowMs) {
        entries.values().removeIf(e -> e.suppressed == 0 && nowMs - e.loggedAt >= intervalMs);
    }
}
