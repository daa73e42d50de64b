package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two real channels on loopback with the sealed transport: they form a view and talk; unsealed bytes are refused. */
class SealedUDPTest {
    private static final byte[] KEY = "sealed udp test key, long enough".getBytes(StandardCharsets.US_ASCII);

    private final LoopbackChannels loopback = new LoopbackChannels("haven.membership.jgroups.SealedUDP");

    @AfterEach
    void close() {
        loopback.close();
    }

    private JChannel channel(String name, int port, int peerPort, byte[] key, Receiver receiver) throws Exception {
        return loopback.open(name, port, peerPort, key, receiver, "sealed-test");
    }

    @Test
    void membersWithTheKeyFormAViewAndTalkAndUnsealedBytesAreRefused() throws Exception {
        int pa = LoopbackChannels.freePort(), pb = LoopbackChannels.freePort();
        List<String> got = new CopyOnWriteArrayList<>();
        JChannel a = channel("a", pa, pb, KEY, null);
        JChannel b = channel("b", pb, pa, KEY, new Receiver() {
            @Override
            public void receive(Message msg) {
                got.add(new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8));
            }
        });
        LoopbackChannels.await(() -> a.getView().size() == 2 && b.getView().size() == 2, "a view of both");
        a.send(new BytesMessage(b.getAddress(), "hello".getBytes(StandardCharsets.UTF_8)));
        LoopbackChannels.await(() -> got.contains("hello"), "b receives a's message");

        long refused = TrafficStats.refusedCount(TrafficStats.Refusal.NOT_SEALED);
        long viewId = b.getView().getViewId().getId();
        byte[] junk = {0x14, 0x2b, 0x00, 0x00, 0x01, 0x02, 0x03};
        try (DatagramSocket s = new DatagramSocket()) {
            for (int i = 0; i < 100; i++) s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), pb));
        }
        LoopbackChannels.await(() -> TrafficStats.refusedCount(TrafficStats.Refusal.NOT_SEALED) >= refused + 100, "100 refusals counted");
        assertThat(b.getView().getViewId().getId()).isEqualTo(viewId);
    }

    @Test
    void aNodeWithAnotherKeyIsNeverAdmitted() throws Exception {
        int pa = LoopbackChannels.freePort(), pb = LoopbackChannels.freePort();
        long forged = TrafficStats.refusedCount(TrafficStats.Refusal.FORGED);
        JChannel a = channel("a", pa, pb, KEY, null);
        JChannel b = channel("b", pb, pa, "another key, also long enough!!".getBytes(StandardCharsets.US_ASCII), null);
        LoopbackChannels.await(() -> TrafficStats.refusedCount(TrafficStats.Refusal.FORGED) > forged, "the other key's datagrams refused as forged");
        assertThat(a.getView().size()).isEqualTo(1);
        assertThat(b.getView().size()).isEqualTo(1);
    }
}
