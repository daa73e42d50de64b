package haven.executor.agents.pg;

import java.util.Optional;

/**
 * WAL positions, which order the copies of one history: a replica that received more of its primary's WAL is the more
 * current. Copies whose histories forked (an old primary not yet rewound) are kept out of the comparison by the agent,
 * which scores them as the least current.
 */
public final class PgLsn {
    /**
     * The furthest WAL position a server has: on a replica what it received or replayed (the receive position is unknown
     * after a restart until it streams again), on a primary where it writes.
     */
    public static final String QUERY = "select case when pg_is_in_recovery() then"
            + " coalesce(greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), '0/0')::text"
            + " else pg_current_wal_lsn()::text end || '|' || pg_is_in_recovery()";

    /** A server's answer to {@link #QUERY}: its position and whether it is a replica. */
    public record Answer(long lsn, boolean replica) {}

    private PgLsn() {}

    /** "X/Y" as PostgreSQL prints an LSN. */
    public static long parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not an LSN: '" + text + "'");
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    /** Parses "LSN|t" or "LSN|f"; empty when the row is not that. */
    public static Optional<Answer> answer(String row) {
        String[] f = row.strip().split("\\|");
        if (f.length != 2) return Optional.empty();
        try {
            return Optional.of(new Answer(parse(f[0]), f[1].equals("t") || f[1].equals("true")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The promotion score of a copy at {@code lsn}: 1 and up (0 is kept for copies that must rank last). */
    public static long score(long lsn) {
        return lsn < 0 || lsn >= Long.MAX_VALUE - 1 ? Long.MAX_VALUE - 1 : lsn + 1;
    }
}
