package haven.membership.jgroups;

import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.core.Ticker;
import haven.membership.ClusterListener;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.View;

/**
 * The lease heartbeats, both ways: sent on {@link BeatLane} to every member of the view, and through JGroups as
 * well while some member has not been heard on the lane (a daemon from before it); read from either and handed
 * to the node. A beat names its sender, the sender's view and members, its state version, its send stamp and
 * echoes ({@link BeatEcho}); on the lane, every fifth beat of the leader also its term, which older daemons get
 * as a message of its own.
 */
final class Heartbeats {
    private static final System.Logger LOG = System.getLogger("haven.membership");
    static final byte BEAT = 'B';
    /**
     * A beat with its send stamp and the echoes of the peers' stamps ({@link BeatEcho}), sent beside the plain
     * beat, which older daemons still read. Once a peer has sent one, its plain beats are ignored: read late,
     * they would renew this node's lease from the reading time.
     */
    static final byte ECHO_BEAT = 'E';
    /**
     * The leader's term, sent by the leader beside every fifth beat through JGroups (for daemons before the lane):
     * a message of its own, because daemons before it drop a beat whose form they do not know.
     */
    static final byte LEADER = 'L';
    private static final int LEADER_EVERY_BEATS = 5;
    /** Fields of an echoed beat; the lane's beats carry the leader's term as one more. */
    private static final int ECHOED_FIELDS = 6;

    private final String self;
    private final ClusterListener listener;
    private final Ticker ticker;
    private final BiConsumer<Address, String> leaderTerm;
    private final BeatEcho echo;
    private final BeatNames names;
    private final Map<String, InetSocketAddress> addresses;
    private final Set<Address> echoing = ConcurrentHashMap.newKeySet();
    private volatile List<String> peers = List.of();
    private JChannel channel;
    private BeatLane lane;
    private LaneFedDetection failureDetection;
    private int beatsSent;

    /** {@code leaderTerm}: a leader's term read from a lane beat, with the leader's JGroups address. */
    Heartbeats(ClusterConfig config, NodeId self, ClusterListener listener, Ticker ticker, BiConsumer<Address, String> leaderTerm) {
        this.self = self.name();
        this.listener = listener;
        this.ticker = ticker;
        this.leaderTerm = leaderTerm;
        this.echo = new BeatEcho(self.name(), new java.security.SecureRandom().nextLong());
        this.names = new BeatNames(config.nodeIds());
        this.addresses = BeatLane.addressesOf(config);
    }

    /** Before the channel connects: the lane rides on its sealed transport, failure detection counts the lane's beats. */
    void attach(JChannel channel) {
        this.channel = channel;
        SealedUDP transport = channel.getProtocolStack().findProtocol(SealedUDP.class);
        failureDetection = channel.getProtocolStack().findProtocol(LaneFedDetection.class);
        if (transport == null || failureDetection == null) {
            throw new IllegalStateException("the JGroups stack lacks SealedUDP or LaneFedDetection: see StackConfig");
        }
        lane = new BeatLane(transport, addresses);
        transport.laneReader(this::fromLane);
    }

    LaneFedDetection failureDetection() {
        return failureDetection;
    }

    void viewChanged(List<String> memberNames, long atMs) {
        peers = memberNames.stream().filter(n -> !n.equals(self)).toList();
        echo.retain(memberNames, atMs);
        View v = channel.getView();
        if (v != null) echoing.retainAll(v.getMembers());
        lane.retain(memberNames);
    }

    /** One beat to every member of the view; {@code leaderTerm} when this node leads the cluster log. */
    void send(String viewKey, long stateVersion, String viewMembers, OptionalLong leaderTerm) {
        try {
            String beat = self + "\n" + viewKey + "\n" + stateVersion + "\n" + viewMembers;
            long now = ticker.nowMs();
            String echoedBeat = beat + "\n" + echo.stamp(now) + "\n" + echo.echoes(now);
            // The leader's term beside every fifth beat, as the notice always came: a node that refuses it
            // (its own term is ahead) answers each one, and that answer should not come more often than before.
            String term = ++beatsSent % LEADER_EVERY_BEATS == 0 && leaderTerm.isPresent() ? Long.toString(leaderTerm.getAsLong()) : "";
            List<String> to = peers;
            lane.send(payload(ECHO_BEAT, echoedBeat + "\n" + term), to);
            failureDetection.beatSent();
            if (!lane.hearsAll(to)) {
                // Some member has not been heard on the lane (a daemon from before it, or one just joined).
                channel.send(message(ECHO_BEAT, echoedBeat));
                if (somePeerReadsPlainBeats()) channel.send(message(BEAT, beat));
                if (!term.isEmpty()) channel.send(message(LEADER, term));
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "heartbeat not sent: " + e);
        }
    }

    /**
     * A message through JGroups: a beat is taken, unless it is malformed or a copy of one that came on the lane;
     * anything else is not a beat and ignored here.
     */
    void fromChannel(Message msg) {
        byte[] b = msg.getArray();
        byte kind = b[msg.getOffset()];
        boolean echoed = kind == ECHO_BEAT;
        if (kind != BEAT && !echoed) return;
        if (!echoed && echoing.contains(msg.getSrc())) return; // a plain beat beside an echoed one
        String sender = org.jgroups.util.NameCache.get(msg.getSrc());
        if (sender != null && lane.hears(sender)) return; // the same beat came on the lane
        String[] fields = fields(b, msg.getOffset() + 1, msg.getLength() - 1);
        if (fields.length != (echoed ? ECHOED_FIELDS : 4)) return; // malformed input is dropped, never trusted
        if (take(echoed, fields, ticker.nowMs(), msg.getSrc()) != null && echoed) echoing.add(msg.getSrc());
    }

    /** A datagram of the lane, opened by the transport on its receiving thread: parse and queue, nothing more. */
    private void fromLane(byte[] plain) {
        long at = ticker.nowMs();
        int kind = BeatLane.PAYLOAD_OFFSET;
        if (plain[kind] != ECHO_BEAT) return; // a later daemon's lane message this one does not know
        String[] fields = fields(plain, kind + 1, plain.length - kind - 1);
        if (fields.length < ECHOED_FIELDS) return; // fields after these are a later daemon's, and skipped
        String sender = take(true, fields, at, "the beat lane");
        if (sender == null) return;
        lane.heard(sender);
        failureDetection.heard(sender);
        if (fields.length > ECHOED_FIELDS && !fields[ECHOED_FIELDS].isEmpty()) {
            Address address = failureDetection.member(sender);
            if (address != null) leaderTerm.accept(address, fields[ECHOED_FIELDS]);
        }
    }

    private static String[] fields(byte[] b, int offset, int length) {
        return new String(b, offset, length, StandardCharsets.UTF_8).split("\n", -1);
    }

    /** Hands a beat to the node; returns its sender's name, or null when it did not parse. */
    private String take(boolean echoed, String[] fields, long at, Object source) {
        try {
            List<NodeId> members = names.members(fields[3]);
            OptionalLong echoedMs = echoed ? echo.echoedToMe(fields[5]) : OptionalLong.empty();
            Map<NodeId, Long> departed = Map.of();
            if (echoed) {
                echo.heard(fields[0], fields[4], at);
                if (fields[5].indexOf('~') >= 0) {
                    Map<NodeId, Long> ages = new java.util.TreeMap<>();
                    BeatEcho.departedAges(fields[5]).forEach((node, age) -> ages.put(names.id(node), age));
                    departed = ages;
                }
            }
            NodeId from = names.id(fields[0]);
            listener.beat(from, fields[1], members, Long.parseLong(fields[2]), at, echoedMs, departed);
            return from.name();
        } catch (IllegalArgumentException badNameOrNumber) {
            LOG.log(System.Logger.Level.WARNING, "dropped a heartbeat with a bad node name or number from " + source);
            return null;
        }
    }

    /**
     * The plain beat is for daemons that do not send (so perhaps cannot read) echoed ones: while every other
     * member of the view has sent an echoed beat, it is one datagram per peer per interval for nobody.
     */
    private boolean somePeerReadsPlainBeats() {
        View v = channel.getView();
        if (v == null) return true;
        for (Address a : v.getMembers()) {
            if (!a.equals(channel.getAddress()) && !echoing.contains(a)) return true;
        }
        return false;
    }

    /** Unreliable, out of band, never bundled nor flow-controlled: a late beat is worse than a lost one. */
    static Message message(byte kind, String text) {
        return new BytesMessage(null, payload(kind, text))
                .setFlag(Message.Flag.OOB, Message.Flag.NO_RELIABILITY, Message.Flag.DONT_BUNDLE, Message.Flag.NO_FC)
                .setFlag(Message.TransientFlag.DONT_LOOPBACK);
    }

    static byte[] payload(byte kind, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[body.length + 1];
        payload[0] = kind;
        System.arraycopy(body, 0, payload, 1, body.length);
        return payload;
    }
}
