package haven.membership.jgroups;

import haven.cib.ClusterState;
import haven.cib.Codec;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.config.NodeConfig;
import haven.core.NodeId;
import haven.core.Ticker;
import haven.membership.ClusterListener;
import haven.membership.ClusterLog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.raft.election.BaseElection;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.stack.ProtocolStack;
import org.jgroups.raft.RaftHandle;
import org.jgroups.util.NameCache;

/**
 * The real cluster edge: one JChannel carrying membership, lease heartbeats and the Raft log.
 *
 * <p>Lease heartbeats ({@link Heartbeats}) are unreliable datagrams stamped with the sender's view: a peer
 * counts one only when it holds the very same view, so a node cut off from the majority stops
 * receiving usable beats the moment the majority installs a view without it, and no retransmission
 * after a heal can revive an old lease.
 */
public final class JGroupsCluster implements ClusterLog, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("haven.membership");
    /** A member's Raft term, sent when the leader's is behind it (see {@link TermGap}); older daemons drop it. */
    private static final byte TERM_AHEAD = 'T';
    private static final int MAX_JOIN_ATTEMPTS = 5;
    private static final long FOLLOWER_QUEUE_POLL_MS = 1_000;

    private final ClusterConfig config;
    private final NodeConfig self;
    private final Path stateDir;
    private final ClusterListener listener;
    private final Ticker ticker;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "haven-beat");
        t.setDaemon(true);
        return t;
    });
    private JChannel channel;
    private RaftHandle raft;
    private final LaggingFollowerRepair followerRepair;
    private final TermCatchUp termCatchUp;
    private final PairVoters pairVoters;
    private ReplicatedState replicated;
    private volatile String viewKey = "";
    private volatile String viewMembers = "";
    private final Heartbeats heartbeats;
    private long lastViewNumber = -1;
    private volatile Optional<NodeId> lastLeader = Optional.empty();
    private final PendingProposals proposals = new PendingProposals();
    private final LeaderWatch leaderWatch;

    public JGroupsCluster(ClusterConfig config, NodeId self, Path stateDir, ClusterListener listener, Ticker ticker) {
        this.config = config;
        this.self = config.node(self).orElseThrow(() -> new IllegalArgumentException("node " + self + " is not in the config"));
        this.stateDir = stateDir;
        this.listener = listener;
        this.heartbeats = new Heartbeats(config, self, listener, ticker, this::learnLeader);
        this.ticker = ticker;
        this.leaderWatch = new LeaderWatch(timer, ticker, () -> raft.leader(), this::nodeOf, (leader, address) -> {
                    lastLeader = leader;
                    proposals.leaderChanged(leader);
                    pollRaftQueue(leader);
                    listener.leaderChanged(leader, leader.equals(Optional.of(self)));
                });
        this.followerRepair = new LaggingFollowerRepair(() -> raft == null ? null : raft.raft(), this::followers, ticker);
        this.termCatchUp = new TermCatchUp(() -> raft == null ? null : raft.raft(),
                () -> channel == null ? null : channel.getProtocolStack().findProtocol(BaseElection.class),
                () -> channel == null ? null : channel.getView(), () -> channel == null ? null : channel.getAddress(),
                this::sendTermAhead, ticker);
        this.pairVoters = config.quorum().mode() == haven.config.Quorum.Mode.TWO_NODE
                ? new PairVoters(self.name(), config.nodeIds().stream().map(NodeId::name).toList(),
                        () -> raft == null ? null : raft.raft(),
                        () -> channel == null ? null : channel.getProtocolStack().findProtocol(BaseElection.class))
                : null;
    }

    public void start() throws Exception {
        quietJGroupsLogging();
        Path raftDir = stateDir.resolve("raft");
        haven.core.PrivateFiles.directory(raftDir); // the log holds every committed config, key included: 0700
        Sealer sealer = ClusterSeal.create(config, self, stateDir, ticker);
        String xml = StackConfig.xml(config, self, raftDir.toString());
        replicated = new ReplicatedState(listener);
        for (int attempt = 1; ; attempt++) {
            try {
                connect(xml, sealer);
                break;
            } catch (SecurityException rejected) {
                // A join can be accepted by the coordinator while its answer is late; the retry is then
                // refused as a duplicate until the coordinator drops the half-joined member. Start over.
                channel.close();
                if (attempt == MAX_JOIN_ATTEMPTS) throw rejected;
                LOG.log(System.Logger.Level.WARNING, "join attempt " + attempt + " refused (" + rejected.getMessage() + "); retrying");
                Thread.sleep(config.timing().joinTimeout().toMillis());
            }
        }
        haven.core.PrivateFiles.tightenTree(stateDir); // jgroups-raft made its files 0644 (older versions, the folders too)
        timer.execute(this::beatTick);
        leaderWatch.start();
        if (pairVoters != null) {
            timer.scheduleAtFixedRate(() -> pairVoters.restore(List.of(viewMembers.split(","))), 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    private void connect(String xml, Sealer sealer) throws Exception {
        channel = new JChannel(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        ClusterSeal.install(channel, sealer);
        heartbeats.attach(channel);
        channel.name(self.id().name());
        raft = new RaftHandle(channel, replicated).raftId(self.id().name());
        channel.getProtocolStack().insertProtocol(new CommitClamp(raft.raft()), ProtocolStack.Position.BELOW, RAFT.class);
        channel.getProtocolStack().insertProtocol(new ViewOrder(), ProtocolStack.Position.ABOVE, GMS.class);
        channel.getProtocolStack().insertProtocol(new VoterPin(raft.raft(), config.voterIds().stream().map(NodeId::name).toList()),
                ProtocolStack.Position.ABOVE, RAFT.class);
        channel.setReceiver(new Receiver() {
            @Override
            public void viewAccepted(View view) {
                onView(view);
            }

            @Override
            public void receive(Message msg) {
                onMessage(msg);
            }
        });
        channel.connect(config.clusterName());
        // Only the daemon's log tells this id now that it never travels in clear; the lab's forgery test uses it.
        LOG.log(System.Logger.Level.INFO, "JGroups address of " + self.id().name() + ": "
                + (channel.getAddress() instanceof org.jgroups.util.UUID u ? u.toStringLong() : channel.getAddress()));
    }

    public ClusterState state() {
        return replicated == null ? ClusterState.EMPTY : replicated.state();
    }

    @Override
    public CompletableFuture<Void> propose(List<Command> entry, Duration timeout) {
        // Dated here, once, with this node's clock: every node's timeline takes the entry's time from the entry.
        byte[] bytes = Codec.encodeEntry(Command.Journal.stamped(entry, self.id(), System.currentTimeMillis()));
        try {
            return proposals.track(raft.setAsync(bytes, 0, bytes.length, null).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    lastLeader);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * two_node mode, after this node fenced its peer: carry on as the cluster log's only voter (see
     * {@link PairVoters}). Ignored in other modes.
     */
    public void continueAlone() {
        if (pairVoters != null) pairVoters.continueAlone();
    }

    /** two_node mode: the fenced peer is back and heard; the log may take it back as a voter (see {@link PairVoters}). */
    public void peerRejoined() {
        if (pairVoters != null) pairVoters.peerRejoined();
    }

    private void onView(View view) {
        long at = ticker.nowMs();
        long id = view.getViewId().getId();
        synchronized (this) {
            // A joiner can get its join view after the next view (seen in the lab): never step back.
            if (id < lastViewNumber) {
                LOG.log(System.Logger.Level.INFO, "ignored an older view " + view.getViewId() + " (have " + lastViewNumber + ")");
                return;
            }
            lastViewNumber = id;
            leaderWatch.viewChanged(at);
        }
        List<NodeId> members = new ArrayList<>();
        for (Address a : view.getMembers()) {
            nodeOf(a).ifPresent(members::add);
        }
        List<String> names = members.stream().map(NodeId::name).toList();
        viewMembers = String.join(",", names);
        heartbeats.viewChanged(names, at);
        viewKey = view.getViewId().toString();
        LOG.log(System.Logger.Level.DEBUG, "view " + viewKey + " " + members);
        System.out.println(java.time.LocalTime.now() + " jgroups view " + viewKey + " " + members);
        listener.viewChanged(viewKey, members, at);
    }

    private void onMessage(Message msg) {
        byte[] b = msg.getArray();
        if (b == null || msg.getLength() < 2) return;
        if (b[msg.getOffset()] == Heartbeats.LEADER || b[msg.getOffset()] == TERM_AHEAD) {
            long term;
            try {
                term = Long.parseLong(new String(b, msg.getOffset() + 1, msg.getLength() - 1, StandardCharsets.UTF_8));
            } catch (NumberFormatException bad) {
                LOG.log(System.Logger.Level.WARNING, "dropped a term notice with a bad term from " + msg.getSrc());
                return;
            }
            if (b[msg.getOffset()] == Heartbeats.LEADER) learnLeader(msg.getSrc(), term);
            else termCatchUp.noticed(msg.getSrc(), term);
            return;
        }
        heartbeats.fromChannel(msg);
    }

    /**
     * A node that rejoins learns the leader only from ELECTION2's one "leader elected" message, sent when the
     * leader installs the view; if the message arrives before this node has installed the same view, it is
     * dropped ("leader not in view"), and while nothing new is committed no append follows: the node stayed
     * without a leader for good (the lab's flapping link, twice in about 30 runs under load). The leader
     * repeats its term beside its beats, so a node without a leader takes it from there, on the same terms as
     * that message: the sender is in this node's view, the view holds a majority of the voters, and Raft
     * refuses a term older than the one it knows. A refused term means this node is ahead of the leader and
     * would drop its appends forever: {@link TermCatchUp} gets the cluster to elect past it.
     */
    private void learnLeader(Address sender, long term) {
        RAFT r = raft == null ? null : raft.raft();
        if (term < 1 || r == null || r.leader() != null) return; // term 0 would mean "step down" to RAFT
        View v = channel == null ? null : channel.getView();
        if (v == null || !v.containsMember(sender)) return;
        long votersInView = r.members().stream().filter(m -> v.getMembers().stream().anyMatch(a -> m.equals(NameCache.get(a)))).count();
        if (votersInView < r.majority()) return;
        if (r.trySetLeaderAndTerm(sender, term) >= 0) {
            LOG.log(System.Logger.Level.INFO, "learned the leader " + sender + " (term " + term + ") from its heartbeat: its announcement was missed");
        } else {
            termCatchUp.leaderTermRefused(sender, term);
        }
    }

    /** A leader's term as a lane beat carries it. */
    private void learnLeader(Address sender, String term) {
        try {
            learnLeader(sender, Long.parseLong(term));
        } catch (NumberFormatException bad) {
            LOG.log(System.Logger.Level.WARNING, "dropped a leader's term that is not a number from " + sender);
        }
    }

    /**
     * Every beat interval, on the wall clock's multiples of it ({@link BeatPhase}): the beat, failure detection's
     * tick, the leader watch's slow poll and the follower repair (whose rules go by elapsed time, so the beat's
     * 80 ms only makes it look a little more often than its 100 ms). One wake-up for all of them.
     */
    private void beatTick() {
        long beatMs = config.timing().heartbeatInterval().toMillis();
        try {
            sendBeat();
            heartbeats.failureDetection().tick();
            leaderWatch.beatTick();
            followerRepair.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "beat tick: " + e, e);
        } finally {
            if (!timer.isShutdown()) {
                try {
                    timer.schedule(this::beatTick, BeatPhase.delayMs(System.currentTimeMillis(), beatMs), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    // the edge is closing
                }
            }
        }
    }

    private void sendBeat() {
        String key = viewKey;
        if (key.isEmpty() || channel == null || !channel.isConnected()) return;
        RAFT r = raft == null ? null : raft.raft();
        heartbeats.send(key, state().version(), viewMembers,
                r != null && r.isLeader() ? java.util.OptionalLong.of(r.currentTerm()) : java.util.OptionalLong.empty());
    }

    /**
     * RAFT's runner waits on its queue for {@code resend_interval} and then resends to the followers in its
     * commit table: only a leader has one, yet every node woke ten times a second for it. A node that follows a
     * known leader waits up to {@link #FOLLOWER_QUEUE_POLL_MS}; anything queued (an append, a vote, a proposal)
     * still wakes it at once, and after each wake it polls again at the interval current then. A leader, or a
     * node without one (an election under way), polls at the configured interval.
     */
    private void pollRaftQueue(Optional<NodeId> leader) {
        RAFT r = raft == null ? null : raft.raft();
        if (r == null) return;
        r.resendInterval(leader.isPresent() && !leader.get().equals(self.id()) ? FOLLOWER_QUEUE_POLL_MS : StackConfig.RESEND_INTERVAL_MS);
    }

    private void sendTermAhead(long term) {
        try {
            send(TERM_AHEAD, Long.toString(term));
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "term notice not sent: " + e);
        }
    }

    private void send(byte kind, String text) throws Exception {
        channel.send(Heartbeats.message(kind, text));
    }

    /** The other members of the view: the followers a leader's repair looks at. */
    private List<Address> followers() {
        View v = channel == null ? null : channel.getView();
        if (v == null) return List.of();
        return v.getMembers().stream().filter(a -> !a.equals(channel.getAddress())).toList();
    }

    private Optional<NodeId> nodeOf(Address a) {
        String name = NameCache.get(a);
        if (name == null) name = a.toString();
        String n = name;
        return config.nodeIds().stream().filter(id -> id.name().equals(n)).findFirst();
    }

    private static void quietJGroupsLogging() {
        // HAVEN_JGROUPS_LOG=FINE (a java.util.logging level) shows the engine's own protocol decisions.
        String level = System.getenv().getOrDefault("HAVEN_JGROUPS_LOG", "SEVERE");
        java.util.logging.Logger jg = java.util.logging.Logger.getLogger("org.jgroups");
        jg.setLevel(java.util.logging.Level.parse(level));
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (var h : root.getHandlers()) h.setLevel(java.util.logging.Level.ALL);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (channel != null) channel.close();
    }
}
