import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.locks.LockSupport;

/**
 * What a JVM thread costs per wake-up on this machine, beside wake-floor.c: "wake" parks and wakes every
 * interval doing nothing; "udp SELF PORT PEER1 PEER2" sends 200 bytes to both peers every interval on thread
 * "tx" and receives on thread "rx". Run from scripts/measure/wake-floor.
 */
public class WakeFloor {
    public static void main(String[] a) throws Exception {
        long intervalNs = Long.parseLong(a[0]) * 1_000_000L;
        if (a[1].equals("wake")) {
            every(intervalNs, "tx", () -> { });
            return;
        }
        int port = Integer.parseInt(a[3]);
        DatagramChannel channel = DatagramChannel.open().bind(new InetSocketAddress(a[2], port));
        InetSocketAddress p1 = new InetSocketAddress(a[4], port), p2 = new InetSocketAddress(a[5], port);
        Thread rx = new Thread(() -> {
            ByteBuffer in = ByteBuffer.allocate(2048);
            while (true) {
                try {
                    in.clear();
                    channel.receive(in);
                } catch (Exception e) {
                    return;
                }
            }
        }, "rx");
        rx.start();
        byte[] beat = new byte[200];
        every(intervalNs, "tx", () -> {
            try {
                channel.send(ByteBuffer.wrap(beat), p1);
                channel.send(ByteBuffer.wrap(beat), p2);
            } catch (Exception e) {
                // a lost datagram is part of the measurement's world, not an error of it
            }
        });
    }

    private static void every(long intervalNs, String name, Runnable work) {
        new Thread(() -> {
            long next = System.nanoTime();
            while (true) {
                next += intervalNs;
                for (long d; (d = next - System.nanoTime()) > 0; ) LockSupport.parkNanos(d);
                work.run();
            }
        }, name).start();
    }
}
