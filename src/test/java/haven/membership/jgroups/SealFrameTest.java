package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class SealFrameTest {
    private static final byte[] CLUSTER_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final SealKeys keys = new SealKeys(CLUSTER_KEY);
    private final byte[] plain = "jgroups datagram, headers and all".getBytes(StandardCharsets.UTF_8);

    /** The JDK refuses to encrypt twice with one key and nonce in a row, as it should: each frame takes a new counter. */
    private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong(7);

    private byte[] sealed() {
        return SealFrame.seal(keys.senderKey("n1", 1000), "n1", 1000, COUNTER.getAndIncrement(), 123, plain, 0, plain.length);
    }

    private byte[] open(byte[] frame, SecretKey key) {
        SealFrame.Header h = SealFrame.header(frame, 0, frame.length);
        return h == null ? null : SealFrame.open(key, h, frame, 0, frame.length);
    }

    @Test
    void opensWhatItSealedAndCarriesTheStamp() {
        long counter = COUNTER.get();
        byte[] frame = sealed();
        SealFrame.Header h = SealFrame.header(frame, 0, frame.length);
        assertThat(h).isEqualTo(new SealFrame.Header("n1", 1000, counter, 123, h.length()));
        assertThat(SealFrame.open(keys.senderKey("n1", 1000), h, frame, 0, frame.length)).isEqualTo(plain);
        assertThat(frame.length - plain.length).isEqualTo(SealFrame.overhead("n1"));
    }

    @Test
    void aKnownSenderIsNamedByTheSameStringEveryTimeAndAnUnknownOneIsStillRead() {
        String n1 = new String("n1".toCharArray());
        SenderNames known = new SenderNames(java.util.List.of("n10", n1, "n2"));
        byte[] frame = sealed();
        SealFrame.Header h = SealFrame.header(frame, 0, frame.length, known);
        assertThat(h.sender()).isSameAs(n1);
        assertThat(h).isEqualTo(SealFrame.header(frame, 0, frame.length));
        byte[] stranger = SealFrame.seal(keys.senderKey("n3", 1), "n3", 1, 1, 0, plain, 0, plain.length);
        assertThat(SealFrame.header(stranger, 0, stranger.length, known).sender()).isEqualTo("n3");
    }

    @Test
    void theContentIsNotInClear() {
        String wire = new String(sealed(), StandardCharsets.ISO_8859_1);
        assertThat(wire).doesNotContain("headers");
    }

    @Test
    void anyFlippedBitInHeaderOrBodyFailsToOpen() {
        byte[] frame = sealed();
        int headerLength = SealFrame.header(frame, 0, frame.length).length();
        for (int i = 4; i < frame.length; i++) { // past the magic and format, which header() checks itself
            byte[] bad = frame.clone();
            bad[i] ^= 0x10;
            SealFrame.Header h = SealFrame.header(bad, 0, bad.length);
            if (h == null) continue;
            SecretKey key = keys.senderKey(h.sender(), h.epoch());
            assertThat(SealFrame.open(key, h, bad, 0, bad.length)).as("flipped byte %d (header is %d)", i, headerLength).isNull();
        }
    }

    @Test
    void anotherClusterKeyOrAnotherEpochsKeyFailsToOpen() {
        SealKeys other = new SealKeys("another key, also long enough".getBytes(StandardCharsets.US_ASCII));
        assertThat(open(sealed(), other.senderKey("n1", 1000))).isNull();
        assertThat(open(sealed(), keys.senderKey("n1", 1001))).isNull();
        assertThat(open(sealed(), keys.senderKey("n2", 1000))).isNull();
    }

    @Test
    void garbageAndJGroupsDatagramsAreNotFrames() {
        byte[] jgroupsVersionPrefix = {0x14, 0x2b, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        assertThat(SealFrame.header(jgroupsVersionPrefix, 0, jgroupsVersionPrefix.length)).isNull();
        assertThat(SealFrame.header(new byte[3], 0, 3)).isNull();
        byte[] frame = sealed();
        assertThat(SealFrame.header(frame, 0, 20)).as("truncated").isNull();
        byte[] truncatedTag = java.util.Arrays.copyOf(frame, frame.length - 1);
        assertThat(open(truncatedTag, keys.senderKey("n1", 1000))).isNull();
    }

    @Test
    void aShortClusterKeyIsRefusedWithTheSettingToFix() {
        assertThatThrownBy(() -> new SealKeys(new byte[8])).hasMessageContaining("cluster.key");
    }
}
