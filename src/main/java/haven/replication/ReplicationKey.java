package haven.replication;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** The replication secret, derived from the cluster key; never the cluster key itself. */
public final class ReplicationKey {
    private static final byte[] SALT = "haven replicated directory".getBytes(StandardCharsets.UTF_8);
    private final byte[] secret;

    public ReplicationKey(byte[] clusterKey) {
        if (clusterKey == null || clusterKey.length < 16) {
            throw new IllegalArgumentException("the cluster key must be at least 16 bytes (cluster.key or cluster.key_file)");
        }
        secret = haven.core.Hmac.sha256(SALT, clusterKey);
    }

    /** Equal keys give equal settings, so a rebuilt agent finds its running copy (ReplicatedDirectories). */
    @Override
    public boolean equals(Object o) {
        return o instanceof ReplicationKey k && java.security.MessageDigest.isEqual(secret, k.secret);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(secret);
    }

    byte[] proof(String role, String resource, byte[] primaryNonce, byte[] replicaNonce) {
        return haven.core.Hmac.sha256(secret, concat(role, resource, primaryNonce, replicaNonce));
    }

    SecretKey session(String direction, String resource, byte[] primaryNonce, byte[] replicaNonce) {
        return new SecretKeySpec(haven.core.Hmac.sha256(secret, concat("session " + direction, resource, primaryNonce, replicaNonce)), "AES");
    }

    private static byte[] concat(String label, String resource, byte[] a, byte[] b) {
        byte[] l = label.getBytes(StandardCharsets.UTF_8), r = resource.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(l.length + 1 + r.length + 1 + a.length + b.length)
                .put(l).put((byte) 0).put(r).put((byte) 0).put(a).put(b).array();
    }
}
