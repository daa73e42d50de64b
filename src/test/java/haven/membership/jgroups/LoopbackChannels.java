package haven.membership.jgroups;

import haven.core.Ticker;
import java.io.ByteArrayInputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.jgroups.JChannel;
import org.jgroups.Receiver;

/**
 * Real JGroups channels of nodes "a" and "b" on loopback, sealed as the daemon seals them, over a small stack;
 * the transport element is the test's choice. Closes every channel it opened.
 */
final class LoopbackChannels implements AutoCloseable {
    private final String transport;
    private final String detection;
    private final List<JChannel> channels = new CopyOnWriteArrayList<>();

    /** {@code transport}: the transport's element name and any attributes beyond address, port and multicast. */
    LoopbackChannels(String transport) {
        this(transport, "");
    }

    /** {@code detection}: a failure detection element to put above discovery, or "". */
    LoopbackChannels(String transport, String detection) {
        this.transport = transport;
        this.detection = detection;
    }

    static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    JChannel open(String name, int port, int peerPort, byte[] key, Receiver receiverOrNull, String clusterName) throws Exception {
        return open(name, "127.0.0.1", port, "127.0.0.1[%d],127.0.0.1[%d]".formatted(port, peerPort), key, receiverOrNull, clusterName);
    }

    /** {@code hosts}: TCPPING's initial hosts, {@code ADDRESS[PORT],...}. */
    JChannel open(String name, String bindAddress, int port, String hosts, byte[] key, Receiver receiverOrNull, String clusterName)
            throws Exception {
        String xml = """
                <config xmlns="urn:org:jgroups">
                  <%s bind_addr="%s" bind_port="%d" port_range="0" ip_mcast="false" diag.enabled="false"/>
                  <TCPPING initial_hosts="%s" port_range="0"/>
                  %s
                  <pbcast.NAKACK2 use_mcast_xmit="false"/>
                  <UNICAST3/>
                  <pbcast.STABLE/>
                  <pbcast.GMS join_timeout="1000" print_local_addr="false"/>
                </config>
                """.formatted(transport, bindAddress, port, hosts, detection);
        JChannel ch = new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        ch.name(name);
        ClusterSeal.install(ch, new Sealer(new SealKeys(key), name, System.currentTimeMillis(), Set.of("a", "b"),
                new ReplayGuard(400), Ticker.SYSTEM, m -> { }));
        if (receiverOrNull != null) ch.setReceiver(receiverOrNull);
        channels.add(ch);
        ch.connect(clusterName);
        return ch;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 15 s: " + what);
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        channels.forEach(JChannel::close);
    }
}
