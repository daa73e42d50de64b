package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    private final LoopbackChannels loopback = new LoopbackChannels("haven.membership.jgroups.RecordingSealedUDP bundler_type=\"haven.membership.jgroups.DirectSendBundler\"");

    @AfterEach
    void close() {
        loopback.close();
    }

    private JChannel channel(String name, int port, int peerPort, Receiver receiver) throws Exception {
        return loopback.open(name, port, peerPort, KEY, receiver, "direct-paths-test");
    }

    @Test
    void aBeatIsSentByItsCallerAndEverythingElseByTheBundlerThread() throws Exception {
        int pa = LoopbackChannels.freePort(), pb = LoopbackChannels.freePort();
        Set<String> got = ConcurrentHashMap.newKeySet();
        JChannel a = channel("a", pa, pb, null);
        JChannel b = channel("b", pb, pa, new Receiver() {
            @Override
            public void receive(Message msg) {
                got.add(new String(msg.getArray(), msg.getOffset(), msg.getLength(), StandardCharsets.UTF_8));
            }
        });
        LoopbackChannels.await(() -> a.getView().size() == 2 && b.getView().size() == 2, "a view of both");

        String me = Thread.currentThread().getName();
        RecordingSealedUDP.SENDING_THREADS.clear();
        a.send(Heartbeats.message(Heartbeats.ECHO_BEAT, "a beat"));
        assertThat(RecordingSealedUDP.SENDING_THREADS).as("sent before send() returned, by its caller").contains(me);

        RecordingSealedUDP.SENDING_THREADS.clear();
        a.send(new BytesMessage(null, "ordinary".getBytes(StandardCharsets.UTF_8)));
        LoopbackChannels.await(() -> got.containsAll(Set.of("Ea beat", "ordinary")), "b gets both: " + got);
        assertThat(RecordingSealedUDP.SENDING_THREADS).as("the ordinary message went through the bundler's thread")
                .anyMatch(t -> t.startsWith("pd-bundler")).doesNotContain(me);
    }
}
