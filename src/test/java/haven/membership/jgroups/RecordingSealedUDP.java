package haven.membership.jgroups;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The sealed transport, noting which thread sent each datagram (for {@link DirectPathsTest}). */
public class RecordingSealedUDP extends SealedUDP {
    static final List<String> SENDING_THREADS = new CopyOnWriteArrayList<>();

    @Override
    protected void _send(InetAddress dest, int port, byte[] data, int offset, int length) throws Exception {
        SENDING_THREADS.add(Thread.currentThread().getName());
        super._send(dest, port, data, offset, length);
    }
}
