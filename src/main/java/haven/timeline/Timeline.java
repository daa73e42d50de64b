package haven.timeline;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This node's copy of the cluster timeline: it turns every committed log entry it applies into records
 * ({@link TimelineRecords}) and appends them to its journal, so each node holds the whole timeline from
 * when it joined and any one can answer for the cluster. Entries the log replays after a restart are
 * recognised by their version and not recorded twice; versions that reached this node only inside a
 * snapshot leave a "timeline" record saying which ones it lacks.
 *
 * <p>Called on the log's apply thread (cheap: a few records per entry, appended without waiting for the
 * disk) and on API threads; the disk is synced every {@link #SYNC_EVERY_MS} ms by its own thread.
 */
public final class Timeline implements AutoCloseable {
    static final long SYNC_EVERY_MS = 200;
    /** Records kept in memory for queries about the recent past (a follower polls those). */
    static final int RECENT = 10_000;

    private final ClusterConfig config;
    private final TimelineJournal journal;
    private final ArrayDeque<TimelineRecord> recent = new ArrayDeque<>();
    /** Whether {@link #recent} starts at the journal's first record, so it alone answers any query. */
    private boolean recentIsAll;
    private final java.util.concurrent.atomic.AtomicBoolean syncPending = new java.util.concurrent.atomic.AtomicBoolean();
    private final ScheduledExecutorService syncer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "haven-timeline-sync");
        t.setDaemon(true);
        return t;
    });

    public Timeline(ClusterConfig config, Path dir) {
        this(config, new TimelineJournal(dir, TimelineJournal.DEFAULT_MAX_BYTES));
    }

    Timeline(ClusterConfig config, TimelineJournal journal) {
        this.config = config;
        this.journal = journal;
        List<TimelineRecord> held = journal.readAll();
        recentIsAll = held.size() <= RECENT;
        held.subList(Math.max(0, held.size() - RECENT), held.size()).forEach(recent::addLast);
    }

    /**
     * The disk is synced {@link #SYNC_EVERY_MS} after a write, not on a fixed beat: an idle node writes
     * nothing for hours, and a thread woken five times a second to find nothing to sync is idle CPU for nothing.
     */
    private void syncSoon() {
        if (syncPending.compareAndSet(false, true)) {
            try {
                syncer.schedule(() -> {
                    syncPending.set(false); // first: a write during this sync schedules the next one
                    journal.sync();
                }, SYNC_EVERY_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // closing: close() syncs what is left
            }
        }
    }

    /** One committed entry, applied to {@code before} giving {@code after}. */
    public synchronized void entryApplied(ClusterState before, List<Command> entry, ClusterState after) {
        long held = journal.appliedVersion();
        if (after.version() <= held) return; // replayed from the log after a restart: recorded the first time
        if (before.version() > held && held > 0) gap(held, before.version(), entry);
        add(TimelineRecords.of(before, entry, after));
        journal.applied(after.version());
        syncSoon();
    }

    /** The state arrived as a snapshot (joining late, or far behind): the versions it covers have no records here. */
    public synchronized void snapshotInstalled(ClusterState state) {
        long held = journal.appliedVersion();
        if (state.version() > held) {
            gap(held, state.version(), List.of());
            journal.applied(state.version());
            syncSoon();
        }
    }

    private void gap(long held, long upTo, List<Command> entry) {
        long at = entry.stream().filter(c -> c instanceof Command.Journal).mapToLong(c -> ((Command.Journal) c).atEpochMs())
                .findFirst().orElse(System.currentTimeMillis());
        add(List.of(new TimelineRecord(upTo, 0, at, "timeline", "", Map.of("from", held + 1, "to", upTo),
                "versions " + (held + 1) + " to " + upTo + " reached this node as a snapshot, not as entries: their records are"
                        + " on the nodes that applied them")));
    }

    private void add(List<TimelineRecord> records) {
        journal.append(records);
        for (TimelineRecord r : records) {
            recent.addLast(r);
            if (recent.size() > RECENT) {
                recent.removeFirst();
                recentIsAll = false;
            }
        }
    }

    public List<TimelineRecord> query(TimelineQuery q) {
        List<TimelineRecord> from;
        synchronized (this) {
            TimelineRecord first = recent.peekFirst();
            boolean recentSuffices = recentIsAll || (first != null && (q.after().map(a -> !first.after(a)).orElse(false)
                    || q.sinceEpochMs().map(s -> s > first.atEpochMs()).orElse(false)));
            from = recentSuffices ? new ArrayList<>(recent) : null;
        }
        if (from == null) from = journal.readAll(); // older than memory holds: read the files (outside the lock)
        return q.select(from, config);
    }

    @Override
    public void close() {
        syncer.shutdownNow();
        journal.close();
    }
}
