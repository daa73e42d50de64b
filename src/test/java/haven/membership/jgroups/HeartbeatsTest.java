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
 * Where beats go and how they are read, on two real sealed channels on 127.0.0.1 and 127.0.0.2 (one port, as a
 * cluster config has) with the daemon's failure detection and beat ports: beside a daemon from before the lane,
 * through JGroups until it is heard on the lane; between two current daemons, to the beat port once the view has
 * settled, where they wait for the drain, and to the cluster port, read at once, while the view is new.
 */
class HeartbeatsTest {
    private static final byte[] KEY = "heartbeats test key, long enough".getBytes(StandardCharsets.US_ASCII);
    private final LoopbackChannels loopback = new LoopbackChannels("haven.membership.jgroups.SealedUDP",
            "<haven.membership.jgroups.LaneFedDetection timeout=\"400\" interval=\"80\"/>");

    private final List<Heartbeats> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Heartbeats::close);
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
        opened.add(a);
        JChannel channelB = loopback.open("b", "127.0.0.2", port, hosts, KEY, new Receiver() {
            @Override
            public void receive(Message msg) {
                jgroupsKindsAtB.add((char) msg.getArray()[msg.getOffset()]);
            }
        }, "hb-test");
        LoopbackChannels.await(() -> channelA.getView().size() == 2 && channelB.getView().size() == 2, "a view of both");
        a.viewChanged(List.of("a", "b"), Ticker.SYSTEM.nowMs());

        // b reads no lane (a daemon from before it): a's beat reaches it through JGroups.
        a.send("view-1", 7, "a,b", OptionalLong.empty());
        LoopbackChannels.await(() -> jgroupsKindsAtB.contains('E'), "b gets a's echoed beat through JGroups");

        // b now beats on the lane (upgraded): a hears it there, and from then on sends only on the lane.
        Heartbeats b = new Heartbeats(config, NodeId.of("b"), heardByB, Ticker.SYSTEM, (leader, term) -> { });
        b.attach(channelB);
        opened.add(b);
        b.viewChanged(List.of("a", "b"), Ticker.SYSTEM.nowMs());
        b.send("view-1", 7, "a,b", OptionalLong.of(3));
        LoopbackChannels.await(() -> heardByA.from.contains(NodeId.of("b")), "a hears b's beat on the lane");
        jgroupsKindsAtB.clear();
        a.send("view-1", 8, "a,b", OptionalLong.empty());
        LoopbackChannels.await(() -> heardByB.from.contains(NodeId.of("a")), "b hears a's beat on the lane");
        Thread.sleep(200);
        assertThat(jgroupsKindsAtB).as("nothing more through JGroups").isEmpty();
        assertThat(heardByB.stateVersions).containsExactly(8L);
    }

    @Test
    void onceTheViewHasSettledBeatsWaitAtTheBeatPortForTheDrain() throws Exception {
        Pair p = pair();
        viewsAt(p, Ticker.SYSTEM.nowMs());
        establishBeatPorts(p);
        viewsAt(p, Ticker.SYSTEM.nowMs() - 10_000); // the view has settled

        p.b.send("view-1", 1, "a,b", OptionalLong.empty()); // names a: a's beats reached b's beat port
        Thread.sleep(50);
        p.a.drain(); // b's beat went to a's beat port too: each names the other
        assertThat(p.heardByA.stateVersions).contains(1L);
        p.heardByB.clear();
        p.a.send("view-1", 2, "a,b", OptionalLong.empty());
        Thread.sleep(150);
        assertThat(p.heardByB.stateVersions).as("a's beat waits for b's drain").isEmpty();
        long drainedAt = Ticker.SYSTEM.nowMs();
        p.b.drain();
        assertThat(p.heardByB.stateVersions).containsExactly(2L);
        assertThat(p.heardByB.atMs.get(0)).as("the drained beat counts from near its arrival, not from the drain")
                .isLessThan(drainedAt - 100);

        p.a.viewChanged(List.of("a", "b"), Ticker.SYSTEM.nowMs()); // a new view: beats must arrive at once
        p.a.send("view-2", 3, "a,b", OptionalLong.empty());
        LoopbackChannels.await(() -> p.heardByB.stateVersions.contains(3L), "b hears a's beat without a drain");
    }

    @Test
    void aBeatPortThatBeatsDoNotReachIsNotUsed() throws Exception {
        Pair p = pair();
        viewsAt(p, Ticker.SYSTEM.nowMs() - 10_000);
        // b never drains: as if a firewall passed only the cluster port. Its beats never name a, so a's beats,
        // with their trial copies to b's beat port, keep arriving at b's cluster port, read at once.
        for (long version = 1; version <= 30; version++) {
            p.b.send("view-1", version, "a,b", OptionalLong.empty());
            long v = version;
            LoopbackChannels.await(() -> p.heardByA.stateVersions.contains(v), "a hears b");
            p.a.send("view-1", version, "a,b", OptionalLong.empty());
            LoopbackChannels.await(() -> p.heardByB.stateVersions.contains(v), "b hears a's beat " + v + " at once");
        }
    }

    @Test
    void aBeatPortThatStopsNamingThisNodeIsLeft() throws Exception {
        Pair p = pair();
        viewsAt(p, Ticker.SYSTEM.nowMs());
        establishBeatPorts(p);
        viewsAt(p, Ticker.SYSTEM.nowMs() - 10_000);
        Thread.sleep(BeatPorts.REACH_WINDOW_MS + 50); // nothing reached b's beat port since: its next beat names nobody
        p.b.send("view-1", 1, "a,b", OptionalLong.empty());
        LoopbackChannels.await(() -> p.heardByA.stateVersions.contains(1L), "a hears b");
        p.heardByB.clear();
        p.a.send("view-1", 2, "a,b", OptionalLong.empty());
        LoopbackChannels.await(() -> p.heardByB.stateVersions.contains(2L), "b hears a's beat at once, without a drain");
    }

    private static void viewsAt(Pair p, long atMs) {
        p.a.viewChanged(List.of("a", "b"), atMs);
        p.b.viewChanged(List.of("a", "b"), atMs);
    }

    /**
     * While the view is new, beats go to the cluster ports and every second one a copy to the peer's beat port
     * once known; each drains its port, so each names the other in its next beats.
     */
    private static void establishBeatPorts(Pair p) throws Exception {
        for (int round = 0; round < 4; round++) {
            p.a.send("view-1", 0, "a,b", OptionalLong.empty());
            p.b.send("view-1", 0, "a,b", OptionalLong.empty());
            Thread.sleep(20);
            p.a.drain();
            p.b.drain();
        }
    }

    @Test
    void theDrainTakesOnlyAuthenticNewLaneDatagrams() throws Exception {
        Pair p = pair();
        p.b.viewChanged(List.of("a", "b"), Ticker.SYSTEM.nowMs() - 10_000);
        InetSocketAddress beatPortOfB = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), p.port + 1);
        SealedUDP transportA = p.channelA.getProtocolStack().findProtocol(SealedUDP.class);
        String beat = "a\nview-1\n4\na,b\n1:" + Ticker.SYSTEM.nowMs() + "\n";
        byte[] sealedBeat = transportA.seal(BeatLane.frame(Heartbeats.payload(Heartbeats.ECHO_BEAT, beat)));
        byte[] sealedNotLane = transportA.seal(Heartbeats.payload(Heartbeats.ECHO_BEAT, beat));
        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            for (byte[] d : List.of("garbage".getBytes(StandardCharsets.US_ASCII), sealedNotLane, sealedBeat, sealedBeat)) {
                attacker.send(new java.net.DatagramPacket(d, d.length, beatPortOfB));
            }
        }
        Thread.sleep(200);
        p.b.drain();
        assertThat(p.heardByB.stateVersions).as("garbage, a JGroups datagram and the replayed copy dropped").containsExactly(4L);
    }

    @Test
    void aTakenBeatPortStopsTheStartWithThePortAndTheFix() throws Exception {
        int port = freePortOnBoth();
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port + 1))) {
            ClusterConfig config = config(port);
            Heartbeats a = new Heartbeats(config, NodeId.of("a"), new Beats(), Ticker.SYSTEM, (leader, term) -> { });
            JChannel channelA = loopback.open("a", "127.0.0.1", port, hosts(port), KEY, null, "hb-test");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> a.attach(channelA))
                    .hasMessageContaining("beat port 127.0.0.1:" + (port + 1)).hasMessageContaining("cluster.port");
        }
    }

    private record Pair(int port, Heartbeats a, Heartbeats b, JChannel channelA, Beats heardByA, Beats heardByB) {}

    /** Two current daemons, a and b, each with its channel and beat port, in one view. */
    private Pair pair() throws Exception {
        int port = freePortOnBoth();
        ClusterConfig config = config(port);
        Beats heardByA = new Beats();
        Beats heardByB = new Beats();
        Heartbeats a = new Heartbeats(config, NodeId.of("a"), heardByA, Ticker.SYSTEM, (leader, term) -> { });
        Heartbeats b = new Heartbeats(config, NodeId.of("b"), heardByB, Ticker.SYSTEM, (leader, term) -> { });
        JChannel channelA = loopback.open("a", "127.0.0.1", port, hosts(port), KEY, null, "hb-test");
        a.attach(channelA);
        JChannel channelB = loopback.open("b", "127.0.0.2", port, hosts(port), KEY, null, "hb-test");
        b.attach(channelB);
        opened.add(a);
        opened.add(b);
        LoopbackChannels.await(() -> channelA.getView().size() == 2 && channelB.getView().size() == 2, "a view of both");
        return new Pair(port, a, b, channelA, heardByA, heardByB);
    }

    private static ClusterConfig config(int port) {
        return new ClusterConfig("hb-test", KEY, port, 0, Timing.DEFAULT, Policy.DEFAULT,
                List.of(new NodeConfig(NodeId.of("a"), "127.0.0.1"), new NodeConfig(NodeId.of("b"), "127.0.0.2")), List.of(), List.of());
    }

    private static String hosts(int port) {
        return "127.0.0.1[%d],127.0.0.2[%d]".formatted(port, port);
    }

    /** A port free on both addresses, with the one after it (the beat port) free too. */
    private static int freePortOnBoth() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = LoopbackChannels.freePort();
            if (port >= 65_535) continue;
            try (DatagramSocket a2 = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port + 1));
                    DatagramSocket b1 = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port));
                    DatagramSocket b2 = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), port + 1))) {
                return port;
            } catch (java.net.BindException taken) {
                // try another
            }
        }
        throw new AssertionError("no port free with the one after it on both 127.0.0.1 and 127.0.0.2");
    }

    private static final class Beats implements ClusterListener {
        final List<NodeId> from = new CopyOnWriteArrayList<>();
        final List<Long> stateVersions = new CopyOnWriteArrayList<>();
        final List<Long> atMs = new CopyOnWriteArrayList<>();

        void clear() {
            from.clear();
            stateVersions.clear();
            atMs.clear();
        }

        @Override
        public void viewChanged(String viewKey, List<NodeId> members, long atMs) {}

        @Override
        public void beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs) {
            this.from.add(from);
            stateVersions.add(stateVersion);
            this.atMs.add(atMs);
        }

        @Override
        public void stateChanged(ClusterState state) {}

        @Override
        public void leaderChanged(Optional<NodeId> leader, boolean self) {}
    }
}
