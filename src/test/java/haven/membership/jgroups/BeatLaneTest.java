package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two real sealed channels on loopback: a lane datagram reaches the lane's reader and never JGroups, and the
 * lane's beats alone keep a member from being suspected, while their silence gets it suspected.
 */
class BeatLaneTest {
    private static final byte[] KEY = "beat lane test key, long enough!".getBytes(StandardCharsets.US_ASCII);

    private final LoopbackChannels loopback = new LoopbackChannels("haven.membership.jgroups.SealedUDP",
            "<haven.membership.jgroups.LaneFedDetection timeout=\"400\" interval=\"80\"/>");

    @AfterEach
    void close() {
        loopback.close();
    }

    private static BeatLane laneOf(JChannel channel, int peerPort, String peer) {
        SealedUDP transport = channel.getProtocolStack().findProtocol(SealedUDP.class);
        return new BeatLane(transport, Map.of(peer, new InetSocketAddress(InetAddress.getLoopbackAddress(), peerPort)));
    }

    private static LaneFedDetection detectionOf(JChannel channel) {
        return channel.getProtocolStack().findProtocol(LaneFedDetection.class);
    }

    @Test
    void aLaneDatagramReachesTheLaneReaderAndNotJGroups() throws Exception {
        int pa = LoopbackChannels.freePort(), pb = LoopbackChannels.freePort();
        List<String> throughJGroups = new CopyOnWriteArrayList<>();
        List<String> onLane = new CopyOnWriteArrayList<>();
        JChannel a = loopback.open("a", pa, pb, KEY, null, "lane-test");
        JChannel b = loopback.open("b", pb, pa, KEY, new Receiver() {
            @Override
            public void receive(Message msg) {
                throughJGroups.add(new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8));
            }
        }, "lane-test");
        b.getProtocolStack().<SealedUDP>findProtocol(SealedUDP.class).laneReader(plain -> onLane.add(
                new String(plain, BeatLane.PAYLOAD_OFFSET, plain.length - BeatLane.PAYLOAD_OFFSET, StandardCharsets.UTF_8)));
        LoopbackChannels.await(() -> a.getView().size() == 2 && b.getView().size() == 2, "a view of both");

        laneOf(a, pb, "b").send("over the lane".getBytes(StandardCharsets.UTF_8), List.of("b", "nobody-configured"));

        LoopbackChannels.await(() -> onLane.contains("over the lane"), "b's lane reader gets the datagram");
        Thread.sleep(200);
        assertThat(throughJGroups).isEmpty();
    }

    @Test
    void lanesBeatsAloneKeepAMemberAndTheirSilenceGetsItSuspected() throws Exception {
        int pa = LoopbackChannels.freePort(), pb = LoopbackChannels.freePort();
        JChannel a = loopback.open("a", pa, pb, KEY, null, "lane-fd-test");
        JChannel b = loopback.open("b", pb, pa, KEY, null, "lane-fd-test");
        b.getProtocolStack().<SealedUDP>findProtocol(SealedUDP.class).laneReader(plain -> detectionOf(b).heard("a"));
        a.getProtocolStack().<SealedUDP>findProtocol(SealedUDP.class).laneReader(plain -> detectionOf(a).heard("b"));
        LoopbackChannels.await(() -> a.getView().size() == 2 && b.getView().size() == 2, "a view of both");
        BeatLane aToB = laneOf(a, pb, "b");
        BeatLane bToA = laneOf(b, pa, "a");

        // Both beat only on the lane: their own FD heartbeats stay suppressed, and for 2 s nobody is suspected.
        int heartbeatsBefore = detectionOf(a).getHeartbeatsSent();
        for (int tick = 0; tick < 25; tick++) beatTick(a, b, aToB, bToA, true);
        assertThat(detectionOf(a).getHeartbeatsSent()).isEqualTo(heartbeatsBefore);
        assertThat(b.getView().size()).isEqualTo(2);
        assertThat(detectionOf(b).getSuspectedMembers()).isEqualTo("[]");

        // a falls silent on the lane (and, still counting its beats as sent, sends no FD heartbeat either).
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (b.getView().size() == 2 && System.nanoTime() < deadline) beatTick(a, b, aToB, bToA, false);
        assertThat(b.getView().size()).as("b's view drops the silent a").isEqualTo(1);
    }

    /** One beat interval as the daemons' beat threads run it; {@code aBeats}: whether a's beat goes out on the lane. */
    private static void beatTick(JChannel a, JChannel b, BeatLane aToB, BeatLane bToA, boolean aBeats) throws Exception {
        byte[] beat = "beat".getBytes(StandardCharsets.UTF_8);
        if (aBeats) aToB.send(beat, List.of("b"));
        detectionOf(a).beatSent();
        bToA.send(beat, List.of("a"));
        detectionOf(b).beatSent();
        detectionOf(a).tick();
        detectionOf(b).tick();
        Thread.sleep(80);
    }
}
