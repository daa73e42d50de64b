package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.config.NodeConfig;
import haven.config.Policy;
import haven.config.Timing;
import haven.core.NodeId;
import haven.core.Ticker;
import haven.membership.ClusterListener;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new daemon beside one from before the lane: its beats reach the older one through JGroups until that one is
 * heard on the lane, and then only on the lane. Two real sealed channels, on 127.0.0.1 and 127.0.0.2 (one port,
 * as a cluster config has), with the daemon's failure detection.
 */
class HeartbeatsTest {
    private static final byte[] KEY = "heartbeats test key, long enough".getBytes(StandardCharsets.US_ASCII);
    private final LoopbackChannels loopback = new LoopbackChannels("haven.membership.jgroups.SealedUDP",
            "<haven.membership.jgroups.LaneFedDetection timeout=\"400\" interval=\"80\"/>");

    @AfterEach
    void close() {
        loopback.close();
    }

    @Test
    void beatsGoThroughJGroupsUntilThePeerIsHeardOnTheLaneAndThenOnlyThere() throws Exception {
        int port = freePortOnBoth();
        ClusterConfig config = new ClusterConfig("hb-test", KEY, port, 0, Timing.DEFAULT, Policy.DEFAULT,
                List.of(new NodeConfig(NodeId.of("a"), "127.0.0.1"), new NodeConfig(NodeId.of("b"), "127.0.0.2")), List.of(), List.of());
        Beats heardByA = new Beats();
        Beats heardByB = new Beats();
        List<Character> jgroupsKindsAtB = new CopyOnWriteArrayList<>();
        Heartbeats a = new Heartbeats(config, NodeId.of("a"), heardByA, Ticker.SYSTEM, (leader, term) -> { });
        String hosts = "127.0.0.1[%d],127.0.0.2[%d]".formatted(port, port);
        JChannel channelA = loopback.open("a", "127.0.0.1", port, hosts, KEY, null, "hb-test");
        a.attach(channelA);
        JChannel channelB = loopback.open("b", "127.0.0.2", port, hosts, KEY, new Receiver() {
            @Override
            public void receive(Message msg) {
                jgroupsKindsAtB.add((char) msg.getArray()[msg.getOffset()]);
            }
        }, "hb-test");
        LoopbackChannels.await(() -> channelA.getView().size() == 2 && channelB.getView().size() == 2, "a view of both");
        a.viewChanged(List.of("a", "b"), System.currentTimeMillis());

        // b reads no lane (a daemon from before it): a's beat reaches it through JGroups.
        a.send("view-1", 7, "a,b", OptionalLong.empty());
        // The plain beat too (b has sent no echoed one yet): one still on its way after the clear below would be
        // taken for a beat that should have gone on the lane (a unit run saw a late 'B' once).
        LoopbackChannels.await(() -> jgroupsKindsAtB.contains('E') && jgroupsKindsAtB.contains('B'),
                "b gets a's echoed and plain beats through JGroups");

        // b now beats on the lane (upgraded): a hears it there, and from then on sends only on the lane.
        Heartbeats b = new Heartbeats(config, NodeId.of("b"), heardByB, Ticker.SYSTEM, (leader, term) -> { });
        b.attach(channelB);
        b.viewChanged(List.of("a", "b"), System.currentTimeMillis());
        b.send("view-1", 7, "a,b", OptionalLong.of(3));
        LoopbackChannels.await(() -> heardByA.from.contains(NodeId.of("b")), "a hears b's beat on the lane");
        jgroupsKindsAtB.clear();
        a.send("view-1", 8, "a,b", OptionalLong.empty());
        LoopbackChannels.await(() -> heardByB.from.contains(NodeId.of("a")), "b hears a's beat on the lane");
        Thread.sleep(200);
        assertThat(jgroupsKindsAtB).as("nothing more through JGroups").isEmpty();
        assertThat(heardByB.stateVersions).containsExactly(8L);
    }

    private static int freePortOnBoth() throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port = LoopbackChannels.freePort();
            try (DatagramSocket other = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port))) {
                return port;
            } catch (java.net.BindException taken) {
                // try another
            }
        }
        throw new AssertionError("no port free on both 127.0.0.1 and 127.0.0.2");
    }

    private static final class Beats implements ClusterListener {
        final List<NodeId> from = new CopyOnWriteArrayList<>();
        final List<Long> stateVersions = new CopyOnWriteArrayList<>();

        @Override
        public void viewChanged(String viewKey, List<NodeId> members, long atMs) {}

        @Override
        public void beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs) {
            this.from.add(from);
            stateVersions.add(stateVersion);
        }

        @Override
        public void stateChanged(ClusterState state) {}

        @Override
        public void leaderChanged(Optional<NodeId> leader, boolean self) {}
    }
}
