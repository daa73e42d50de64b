package haven.membership.jgroups;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.function.BiConsumer;

/**
 * The beat port ({@code ClusterConfig.beatPort}, the cluster port + 1): a socket that no thread waits on. Beats sent here wait in the kernel until
 * the beat thread takes them all at its next tick ({@link #drain}), so an idle node wakes once per interval for
 * its own beat and every peer's instead of once per datagram (docs/design.md, "Draining the beats").
 */
final class BeatSocket implements AutoCloseable {
    /** Room for a few seconds of beats from a large cluster, for a beat thread held up by a pause. */
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;
    private static final int MAX_DATAGRAM_BYTES = 65_507;

    private final DatagramChannel channel;
    private final ByteBuffer in = ByteBuffer.allocateDirect(MAX_DATAGRAM_BYTES);

    private BeatSocket(DatagramChannel channel) {
        this.channel = channel;
    }

    /**
     * Binds {@code port} ({@code ClusterConfig.beatPort}) of {@code address}; the error names the port and what to
     * do when it is taken.
     */
    static BeatSocket bind(InetAddress address, int port) {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(address instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            ch.bind(new InetSocketAddress(address, port));
            ch.configureBlocking(false);
            return new BeatSocket(ch);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new IllegalStateException("cannot open the beat port " + address.getHostAddress() + ":" + port
                    + " (UDP, cluster.port + 1): " + e.getMessage()
                    + "; free that port or choose another cluster.port (haven uses it and the next one)", e);
        }
    }

    int port() {
        return ((InetSocketAddress) localAddress()).getPort();
    }

    private SocketAddress localAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("beat socket closed", e);
        }
    }

    /** Sends one datagram; never blocks (a full send buffer drops it, as a lost beat). */
    void send(InetSocketAddress to, byte[] datagram) throws IOException {
        channel.send(ByteBuffer.wrap(datagram), to);
    }

    /**
     * Hands every datagram waiting, up to {@code max}, with its source, to {@code reader}; returns how many.
     * Anything past {@code max} waits for the next drain (or is dropped by the kernel when the buffer fills).
     */
    int drain(int max, BiConsumer<SocketAddress, byte[]> reader) throws IOException {
        int taken = 0;
        while (taken < max) {
            in.clear();
            SocketAddress from = channel.receive(in);
            if (from == null) break;
            in.flip();
            byte[] datagram = new byte[in.remaining()];
            in.get(datagram);
            reader.accept(from, datagram);
            taken++;
        }
        return taken;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(DatagramChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
    }
}
