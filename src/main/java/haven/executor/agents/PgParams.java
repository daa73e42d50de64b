package haven.executor.agents;

import java.util.HexFormat;

/** The postgresql agent's parameters and secrets that need more than a line. */
final class PgParams {
    private PgParams() {}

    /** The replication role's password: the same on every node, from the cluster key, never the key itself. */
    static String password(byte[] clusterKey, String resource) {
        return HexFormat.of().formatHex(haven.core.Hmac.sha256(clusterKey, ("haven postgresql replication " + resource)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 40);
    }

    /** Creates or updates the replication role, with the password given as its SCRAM verifier (no plain text on argv). */
    static String replicationRoleSql(String password) {
        byte[] salt = java.util.Arrays.copyOf(haven.core.Hmac.sha256(password.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "salt".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 16);
        String verifier = haven.executor.agents.pg.PgScram.verifier(password, salt);
        String role = haven.executor.agents.pg.PgSettings.REPLICATION_ROLE;
        // Local commit: in sync mode no replica streams yet when the first primary sets the role up, and they need it to.
        return "set synchronous_commit = local; do $$ begin if not exists (select from pg_roles where rolname = '" + role + "') then create role " + role
                + " with superuser replication login; end if; end $$; alter role " + role + " with superuser replication login password '"
                + verifier + "'";
    }
}
