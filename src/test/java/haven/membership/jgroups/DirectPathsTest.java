package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.Ticker;
import java.io.ByteArrayInputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DirectSendBundler} on two real channels over loopback: a beat is sealed and sent on the caller's
 * thread, everything else still through the bundler's thread, and both arrive.
 */
class DirectPathsTest {
    private static final byte[] KEY = "direct paths test key, long enough".getBytes(StandardCharsets.US_ASCII);
    private final List<JChannel> channels = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        channels.forEach(JChannel::close);
    }

    private static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private JChannel channel(String name, int port, int peerPort, Receiver receiver) throws Exception {
        String xml = """
                <config xmlns="urn:org:jgroups">
                  <haven.membership.jgroups.RecordingSealedUDP bind_addr="127.0.0.1" bind_port="%d" port_range="0"
                       ip_mcast="false" diag.enabled="false" bundler_type="haven.membership.jgroups.DirectSendBundler"/>
                  <TCPPING initial_hosts="127.0.0.1[%d],127.0.0.1[%d]" port_range="0"/>
                  <pbcast.NAKACK2 use_mcast_xmit="false"/>
                  <UNICAST3/>
                  <pbcast.STABLE/>
                  <pbcast.GMS join_timeout="1000" print_local_addr="false"/>
                </config>
                """.formatted(port, port, peerPort);
        JChannel ch = new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        ch.name(name);
        ClusterSeal.install(ch, new Sealer(new SealKeys(KEY), name, System.currentTimeMillis(), Set.of("a", "b"),
                new ReplayGuard(400), Ticker.SYSTEM, m -> { }));
        if (receiver != null) ch.setReceiver(receiver);
        channels.add(ch);
        ch.connect("direct-paths-test");
        return ch;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 15 s: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void aBeatIsSentByItsCallerAndEverythingElseByTheBundlerThread() throws Exception {
        int pa = freePort(), pb = freePort();
        Set<String> got = ConcurrentHashMap.newKeySet();
        JChannel a = channel("a", pa, pb, null);
        JChannel b = channel("b", pb, pa, new Receiver() {
            @Override
            public void receive(Message msg) {
                got.add(new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8));
            }
        });
        await(() -> a.getView().size() == 2 && b.getView().size() == 2, "a view of both");

        String me = Thread.currentThread().getName();
        RecordingSealedUDP.SENDING_THREADS.clear();
        a.send(JGroupsCluster.beatMessage(JGroupsCluster.ECHO_BEAT, "a beat"));
        assertThat(RecordingSealedUDP.SENDING_THREADS).as("sent before send() returned, by its caller").contains(me);

        RecordingSealedUDP.SENDING_THREADS.clear();
        a.send(new BytesMessage(null, "ordinary".getBytes(StandardCharsets.UTF_8)));
        await(() -> got.containsAll(Set.of("Ea beat", "ordinary")), "b gets both: " + got);
        assertThat(RecordingSealedUDP.SENDING_THREADS).as("the ordinary message went through the bundler's thread")
                .anyMatch(t -> t.startsWith("pd-bundler")).doesNotContain(me);
    }
}
