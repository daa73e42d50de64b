package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.Ticker;
import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two real channels on loopback with the sealed transport: they form a view and talk; unsealed bytes are refused. */
class SealedUDPTest {
    private static final byte[] KEY = "sealed udp test key, long enough".getBytes(StandardCharsets.US_ASCII);
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

    private JChannel channel(String name, int port, int peerPort, byte[] key, Receiver receiver) throws Exception {
        String xml = """
                <config xmlns="urn:org:jgroups">
                  <haven.membership.jgroups.SealedUDP bind_addr="127.0.0.1" bind_port="%d" port_range="0" ip_mcast="false" diag.enabled="false"/>
                  <TCPPING initial_hosts="127.0.0.1[%d],127.0.0.1[%d]" port_range="0"/>
                  <pbcast.NAKACK2 use_mcast_xmit="false"/>
                  <UNICAST3/>
                  <pbcast.STABLE/>
                  <pbcast.GMS join_timeout="1000" print_local_addr="false"/>
                </config>
                """.formatted(port, port, peerPort);
        JChannel ch = new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        ch.name(name);
        ClusterSeal.install(ch, new Sealer(new SealKeys(key), name, System.currentTimeMillis(), Set.of("a", "b"),
                new ReplayGuard(400), Ticker.SYSTEM, m -> { }));
        if (receiver != null) ch.setReceiver(receiver);
        channels.add(ch);
        ch.connect("sealed-test");
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
    void membersWithTheKeyFormAViewAndTalkAndUnsealedBytesAreRefused() throws Exception {
        int pa = freePort(), pb = freePort();
        List<String> got = new CopyOnWriteArrayList<>();
        JChannel a = channel("a", pa, pb, KEY, null);
        JChannel b = channel("b", pb, pa, KEY, new Receiver() {
            @Override
            public void receive(Message msg) {
                got.add(new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8));
            }
        });
        await(() -> a.getView().size() == 2 && b.getView().size() == 2, "a view of both");
        a.send(new BytesMessage(b.getAddress(), "hello".getBytes(StandardCharsets.UTF_8)));
        await(() -> got.contains("hello"), "b receives a's message");

        long refused = TrafficStats.refusedCount(TrafficStats.Refusal.NOT_SEALED);
        long viewId = b.getView().getViewId().getId();
        byte[] junk = {0x14, 0x2b, 0x00, 0x00, 0x01, 0x02, 0x03};
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; i < 100; i++) s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), pb));
        }
        await(() -> TrafficStats.refusedCount(TrafficStats.Refusal.NOT_SEALED) >= refused + 100, "100 refusals counted");
        assertThat(b.getView().getViewId().getId()).isEqualTo(viewId);
    }

    @Test
    void aNodeWithAnotherKeyIsNeverAdmitted() throws Exception {
        int pa = freePort(), pb = freePort();
        long forged = TrafficStats.refusedCount(TrafficStats.Refusal.FORGED);
        JChannel a = channel("a", pa, pb, KEY, null);
        JChannel b = channel("b", pb, pa, "another key, also long enough!!".getBytes(StandardCharsets.US_ASCII), null);
        await(() -> TrafficStats.refusedCount(TrafficStats.Refusal.FORGED) > forged, "the other key's datagrams refused as forged");
        assertThat(a.getView().size()).isEqualTo(1);
        assertThat(b.getView().size()).isEqualTo(1);
    }
}
