package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SealerTest {
    private static final byte[] KEY = "a cluster key of sufficient length".getBytes(StandardCharsets.US_ASCII);
    private final AtomicLong now = new AtomicLong(1_000);
    private final List<Map<String, Long>> persisted = new ArrayList<>();

    /** Every (node, epoch) is used once: the JDK refuses to encrypt twice in a row with one key and nonce. */
    private Sealer node(String name, long epoch, byte[] key) {
        return new Sealer(new SealKeys(key), name, epoch, Set.of("n1", "n2"), new ReplayGuard(400), now::get, persisted::add);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPeerOpensEachDatagramOnceAndRecordsANewBoot() {
        Sealer n1 = node("n1", 10, KEY), n2 = node("n2", 20, KEY);
        byte[] d = n1.seal(bytes("view"), 0, 4);
        long refusedBefore = TrafficStats.refusedCount(TrafficStats.Refusal.REPLAYED);
        assertThat(n2.open("10.0.0.1:7800", d, 0, d.length)).isEqualTo(bytes("view"));
        assertThat(persisted).containsExactly(Map.of("n1", 10L));
        assertThat(n2.open("10.0.0.9:7800", d, 0, d.length)).as("replayed").isNull();
        assertThat(TrafficStats.refusedCount(TrafficStats.Refusal.REPLAYED)).isEqualTo(refusedBefore + 1);
    }

    @Test
    void withoutTheKeyNothingOpensNorTouchesTheReplayState() {
        Sealer n2 = node("n2", 20, KEY);
        Sealer forger = node("n1", Long.MAX_VALUE, bytes("a guessed key, long enough too"));
        byte[] forged = forger.seal(bytes("LEAVE_REQ"), 0, 9);
        long forgedBefore = TrafficStats.refusedCount(TrafficStats.Refusal.FORGED);
        assertThat(n2.open("10.0.0.9:7800", forged, 0, forged.length)).isNull();
        assertThat(TrafficStats.refusedCount(TrafficStats.Refusal.FORGED)).isEqualTo(forgedBefore + 1);
        Sealer n1 = node("n1", 12, KEY);
        byte[] real = n1.seal(bytes("beat"), 0, 4);
        assertThat(n2.open("10.0.0.1:7800", real, 0, real.length)).as("the forged huge epoch was not recorded").isEqualTo(bytes("beat"));
    }

    @Test
    void aNameOutsideTheClusterAndUnsealedBytesAreRefusedBeforeAnyCrypto() {
        Sealer n2 = node("n2", 20, KEY);
        Sealer stranger = new Sealer(new SealKeys(KEY), "n9", 1, Set.of("n9"), new ReplayGuard(400), now::get, m -> { });
        byte[] d = stranger.seal(bytes("x"), 0, 1);
        long unknown = TrafficStats.refusedCount(TrafficStats.Refusal.UNKNOWN_SENDER);
        long unsealed = TrafficStats.refusedCount(TrafficStats.Refusal.NOT_SEALED);
        assertThat(n2.open("10.0.0.9:7800", d, 0, d.length)).isNull();
        byte[] garbage = new byte[100];
        assertThat(n2.open("10.0.0.9:7800", garbage, 0, garbage.length)).isNull();
        assertThat(TrafficStats.refusedCount(TrafficStats.Refusal.UNKNOWN_SENDER)).isEqualTo(unknown + 1);
        assertThat(TrafficStats.refusedCount(TrafficStats.Refusal.NOT_SEALED)).isEqualTo(unsealed + 1);
    }

    @Test
    void aDatagramHeldBackPastTheBoundIsRefusedAsStale() {
        Sealer n1 = node("n1", 13, KEY), n2 = node("n2", 20, KEY);
        byte[] first = n1.seal(bytes("a"), 0, 1);
        byte[] held = n1.seal(bytes("b"), 0, 1);
        assertThat(n2.open("n1", first, 0, first.length)).isNotNull();
        now.addAndGet(401);
        assertThat(n2.open("captured and replayed later", held, 0, held.length)).isNull();
    }

    @Test
    void aRestartedSenderIsHeardAndItsOldBootIsNot() {
        Sealer n1 = node("n1", 14, KEY), n2 = node("n2", 20, KEY);
        byte[] old = n1.seal(bytes("old"), 0, 3);
        byte[] older = n1.seal(bytes("older"), 0, 5);
        assertThat(n2.open("n1", old, 0, old.length)).isNotNull();
        Sealer n1Again = node("n1", 15, KEY);
        byte[] fresh = n1Again.seal(bytes("new"), 0, 3);
        assertThat(n2.open("n1", fresh, 0, fresh.length)).isEqualTo(bytes("new"));
        assertThat(n2.open("n1", older, 0, older.length)).as("an unseen datagram of the previous boot").isNull();
        assertThat(persisted.getLast()).isEqualTo(Map.of("n1", 15L));
    }
}
