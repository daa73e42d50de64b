package haven.membership.jgroups;

import java.net.InetAddress;
import java.util.Objects;
import org.jgroups.Address;
import org.jgroups.protocols.UDP;

/**
 * JGroups' UDP transport with every datagram sealed (see {@link Sealer}): the seal wraps the bytes JGroups
 * puts on the wire, so headers, discovery, views and haven's beats are all encrypted and authenticated, and
 * JGroups parses only datagrams that opened. Garbage therefore never reaches JGroups' parser, whose every
 * failure is a SEVERE with a stack trace.
 *
 * <p>haven's beats take a lane of their own through the same socket and seal ({@link BeatLane}): opened here,
 * they never enter JGroups.
 *
 * <p>Both choke points are the transport's own: every send of UDP (unicast or the per-member copies of a
 * multicast) goes through {@code _send}, every received datagram through {@code receive}.
 */
public class SealedUDP extends UDP {
    private volatile Sealer sealer;
    private volatile java.util.function.Consumer<byte[]> lane = plain -> { };

    /** Must be set before the channel connects; without it nothing is sent or accepted. */
    void sealer(Sealer sealer) {
        this.sealer = sealer;
    }

    /**
     * Where opened datagrams of {@link BeatLane} go, on the receiving thread, instead of to JGroups: the reader
     * must only parse and queue.
     */
    void laneReader(java.util.function.Consumer<byte[]> reader) {
        this.lane = Objects.requireNonNull(reader);
    }

    /** Seals once what {@link #sendSealed} then sends to several peers (each peer sees its counter once). */
    byte[] seal(byte[] plain) {
        Sealer s = sealer;
        if (s == null) throw new IllegalStateException("SealedUDP has no cluster key: refusing to send in clear");
        return s.seal(plain, 0, plain.length);
    }

    void sendSealed(InetAddress dest, int port, byte[] sealed) throws Exception {
        super._send(dest, port, sealed, 0, sealed.length);
    }

    @Override
    public void start() throws Exception {
        if (sealer == null) throw new IllegalStateException("SealedUDP started without the cluster key: set a Sealer before connect");
        super.start();
    }

    @Override
    protected void _send(InetAddress dest, int port, byte[] data, int offset, int length) throws Exception {
        Sealer s = sealer;
        if (s == null) throw new IllegalStateException("SealedUDP has no cluster key: refusing to send in clear");
        byte[] sealed = s.seal(data, offset, length);
        super._send(dest, port, sealed, 0, sealed.length);
    }

    @Override
    public void receive(Address sender, byte[] data, int offset, int length) {
        Sealer s = sealer;
        if (data == null || s == null || Objects.equals(local_physical_addr, sender)) return;
        byte[] plain = s.open(sender, data, offset, length);
        if (plain == null) return;
        if (BeatLane.carries(plain)) lane.accept(plain);
        else super.receive(sender, plain, 0, plain.length);
    }
}
