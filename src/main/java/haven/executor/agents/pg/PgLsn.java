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
     * after a restart until it streams again), on a primary where it writes; whether it is a replica; and whether it
     * streams from a primary now.
     */
    public static final String QUERY = "select case when pg_is_in_recovery() then"
            + " coalesce(greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), '0/0')::text"
            + " else pg_current_wal_lsn()::text end || '|' || pg_is_in_recovery()"
            + " || '|' || exists (select 1 from pg_stat_wal_receiver where status = 'streaming')"
            + " || '|' || (select system_identifier from pg_control_system())";

    /**
     * A server's answer to {@link #QUERY}: its position, whether it is a replica, whether it streams, and which database
     * cluster it is a copy of (positions of different clusters, such as two fresh initdb runs, compare nothing).
     */
    public record Answer(long lsn, boolean replica, boolean streaming, String systemId) {}

    private PgLsn() {}

    /** "X/Y" as PostgreSQL prints an LSN. */
    public static long parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not an LSN: '" + text + "'");
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    /** Parses "LSN|REPLICA|STREAMING|SYSTEM_ID" (booleans as t/f or true/false); empty when the row is not that. */
    public static Optional<Answer> answer(String row) {
        String[] f = row.strip().split("\\|");
        if (f.length != 4) return Optional.empty();
        try {
            return Optional.of(new Answer(parse(f[0]), yes(f[1]), yes(f[2]), f[3]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static boolean yes(String b) {
        return b.equals("t") || b.equals("true");
    }

    /** The promotion score of a copy at {@code lsn}: 1 and up (0 is kept for copies that must rank last). */
    public static long score(long lsn) {
        return lsn < 0 || lsn >= Long.MAX_VALUE - 1 ? Long.MAX_VALUE - 1 : lsn + 1;
    }
}
