package haven.membership.jgroups;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys cluster datagrams are sealed with, derived from the configured cluster key with
 * HKDF-SHA256 (RFC 5869). Each sender boot (node name, epoch) gets a key of its own, so the message counter
 * can be the GCM nonce: a (key, nonce) pair never repeats as long as a node's epochs only grow, which
 * {@link BootEpoch} ensures, and no random nonce with its 2^32-messages-per-key ceiling is needed.
 * The configured secret itself is never a cipher key.
 */
final class SealKeys {
    private static final byte[] SALT = "haven cluster traffic seal".getBytes(StandardCharsets.UTF_8);
    private static final byte[] LABEL = "haven/seal/v1 sender key".getBytes(StandardCharsets.UTF_8);
    private static final int CACHED_SENDERS = 256;

    private final byte[] pseudoRandomKey;
    /** The key of each sender's newest epoch seen; forged epochs fail to open and are not cached. */
    private final ConcurrentHashMap<String, Cached> latest = new ConcurrentHashMap<>();

    private record Cached(long epoch, SecretKey key) {}

    SealKeys(byte[] clusterKey) {
        if (clusterKey == null || clusterKey.length < 16) {
            throw new IllegalArgumentException("the cluster key must be at least 16 bytes (cluster.key or cluster.key_file)");
        }
        pseudoRandomKey = haven.core.Hmac.sha256(SALT, clusterKey);
    }

    SecretKey senderKey(String sender, long epoch) {
        Cached c = latest.get(sender);
        if (c != null && c.epoch() == epoch) return c.key();
        return derive(sender, epoch);
    }

    /** Called once a datagram sealed with this key opened and passed the replay check. */
    void remember(String sender, long epoch, SecretKey key) {
        if (latest.size() >= CACHED_SENDERS && !latest.containsKey(sender)) return;
        latest.merge(sender, new Cached(epoch, key), (old, now) -> now.epoch() > old.epoch() ? now : old);
    }

    private SecretKey derive(String sender, long epoch) {
        byte[] name = sender.getBytes(StandardCharsets.UTF_8);
        ByteBuffer info = ByteBuffer.allocate(LABEL.length + 1 + name.length + 8 + 1);
        info.put(LABEL).put((byte) 0).put(name).putLong(epoch).put((byte) 1); // HKDF-Expand, first block
        byte[] okm = haven.core.Hmac.sha256(pseudoRandomKey, info.array());
        SecretKey key = new SecretKeySpec(okm, "AES");
        Arrays.fill(okm, (byte) 0);
        return key;
    }
}
