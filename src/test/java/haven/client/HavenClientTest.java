package haven.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.api.LoopbackNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client library against a real ApiServer on loopback: what an application sees. */
class HavenClientTest {
    private LoopbackNode node;
    private HavenClient haven;
    /** A thread per call: blocked callers must not queue behind each other in a small common pool. */
    private static final java.util.concurrent.ExecutorService AT_ONCE = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void start() throws Exception {
        node = new LoopbackNode();
        haven = HavenClient.connect(node.uri());
    }

    @AfterEach
    void stop() {
        haven.close();
        node.close();
    }

    @Test
    void sendAndReadInTheClustersOrder() {
        assertThat(haven.send("config", "v1")).isEqualTo(1);
        assertThat(haven.send("n2", "private", "only for n2")).isEqualTo(2);
        assertThat(haven.send("config", "v2")).isEqualTo(3);
        assertThat(haven.read(0)).extracting(m -> m.seq() + " " + m.name() + "=" + m.value())
                .containsExactly("1 config=v1", "3 config=v2");
        assertThat(haven.read(-1)).hasSize(2);
        assertThat(haven.read(1)).extracting(Message::seq).containsExactly(3L);
        assertThatThrownBy(() -> haven.send("bad name", "x")).isInstanceOf(HavenException.class)
                .hasMessageContaining("400 message name 'bad name' is not valid")
                .satisfies(e -> assertThat(((HavenException) e).status()).isEqualTo(400));
    }

    @Test
    void aSubscriptionDeliversEachMessageOnceAcrossABrokenConnection() throws Exception {
        haven.send("m", "before");
        List<Message> got = new CopyOnWriteArrayList<>();
        List<HavenException> errors = new CopyOnWriteArrayList<>();
        try (Subscription sub = haven.subscribe(0, new HavenClient.Listener() {
            @Override
            public void onMessage(Message m) {
                got.add(m);
            }

            @Override
            public void onError(HavenException e) {
                errors.add(e);
            }
        })) {
            haven.send("m", "first");
            await(() -> got.size() == 2);
            node.stopServer();
            await(() -> !errors.isEmpty());
            node.start();
            // Sent while the subscription may not have reconnected yet: it must still arrive, once.
            haven.send("m", "while-away");
            haven.send("m", "after");
            // A marker sent last arrives after anything the resume could have delivered twice.
            haven.send("m", "marker");
            await(() -> got.stream().anyMatch(m -> m.value().equals("marker")));
            assertThat(got).extracting(Message::value).containsExactly("before", "first", "while-away", "after", "marker");
            assertThat(got).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(sub.lastSeq()).isEqualTo(5);
        }
    }

    @Test
    void aBarrierReturnsOrThrowsNamingWhoWasMissing() throws Exception {
        var other = CompletableFuture.supplyAsync(() -> haven.barrier("pair", "b", List.of("a", "b"), Duration.ofSeconds(10)), AT_ONCE);
        BarrierResult r = haven.barrier("pair", "a", List.of("a", "b"), Duration.ofSeconds(10));
        assertThat(r.arrived()).containsExactly("a", "b");
        assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo(r);

        assertThatThrownBy(() -> haven.barrier("trio", "a", List.of("a", "b", "c"), Duration.ofMillis(300)))
                .isInstanceOfSatisfying(BarrierTimeoutException.class, e -> {
                    assertThat(e.missing()).containsExactly("b", "c");
                    assertThat(e.arrived()).containsExactly("a");
                    assertThat(e.getMessage()).startsWith("timed out: barrier trio round 2: missing b, c");
                });
        assertThatThrownBy(() -> haven.barrier("counted", "a", 2, Duration.ofMillis(200)))
                .isInstanceOfSatisfying(BarrierTimeoutException.class, e -> assertThat(e.missingCount()).isEqualTo(1));
    }

    @Test
    void quorumAndRefusalsComeBackAsValuesAndReasons() {
        QuorumInfo q = haven.quorum();
        assertThat(q).isEqualTo(new QuorumInfo(true, "majority", 3, 3, 2, List.of("n1", "n2", "n3")));
        node.quorate(false);
        assertThat(haven.quorum().quorate()).isFalse();
        assertThatThrownBy(() -> haven.send("m", "v")).isInstanceOf(HavenException.class).hasMessageContaining("503")
                .hasMessageContaining("has no quorum now");
    }

    private static void await(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 10 s");
            Thread.sleep(20);
        }
    }
}
