package haven.membership.jgroups;

import haven.config.ClusterConfig;
import haven.config.NodeConfig;
import haven.config.Timing;
import java.util.stream.Collectors;

/**
 * The JGroups + jgroups-raft protocol stack, tuned as ENGINE-EVALUATION.md measured:
 * FD_ALL3 (as {@link LaneFedDetection}, which also counts the beats of {@link BeatLane}) + a short
 * VERIFY_SUSPECT2 for crashed daemons and silent hosts alike, RAFT resend_interval 100 ms so a lagging follower
 * is caught up (and followers learn a commit within it).
 * Not send_commits_immediately: with it, a follower that is behind answers every commit notice, each
 * answer triggers another notice, and the ping-pong keeps the leader's queue so busy that its idle-time
 * resend never runs: in the lab a restarted node never caught up, and the cluster could not commit once
 * the other follower died.
 *
 * <p>No FD_SOCK2, although it notices a crashed daemon at once. On JGroups 5.4.11 it (a) holds up the
 * delivery of a new view on a member for its whole connect timeout when the handshake with its new
 * ping target stalls (1 s by default; survivors installed the view that dropped a dead node a second
 * apart), and (b) after a partition heals its handshakes failed at once, each failure a suspicion, and
 * the merged view fell apart again 100 ms later, every 5 s for good (lab: isolate, heal). FD_ALL3
 * alone detects a crash in about half a second.
 *
 * <p>Transport: UDP unicast (no IP multicast; peers from the static host list). With TCP, every message
 * to a black-holed peer first waits out a connect timeout, and multicasts (heartbeats, the new view)
 * queue behind those connects: in the lab the survivors installed the view that dropped a powered-off
 * node up to a second apart, and the lease heartbeats thinned out. UDP never connects, so a dead peer
 * costs nothing but a dropped datagram; NAKACK2 and UNICAST3 already give reliability.
 * The transport is {@link SealedUDP}: every datagram, headers and discovery included, is encrypted and
 * authenticated with a key derived from the cluster key and checked against replay before JGroups parses it.
 * Not SYM_ENCRYPT: on 5.4.11 it leaves headers in clear and unauthenticated, lets header-only messages
 * through unencrypted, cannot use AES/GCM (it passes an IvParameterSpec, which the JDK's GCM refuses), and
 * has no replay protection; SERIALIZE above it still copies the GMS header outside the ciphertext.
 *
 * <p>RAFT {@code max_log_size} is in bytes (jgroups-raft's default, 1 MB). It was 1000, which made every node
 * snapshot and truncate its log every few entries, and jgroups-raft 1.1.4's snapshot paths are where the
 * long CTS runs failed: a leader resending a truncated entry with term 0, a snapshot it could not send, a log
 * that came back from a restart without its first entry. A cluster state entry is a few hundred bytes, so
 * 1 MB is thousands of entries between snapshots, and a restart replays them in milliseconds.
 */
final class StackConfig {
    /** RAFT's resend interval; {@code JGroupsCluster} lengthens a follower's wait on its queue. */
    static final long RESEND_INTERVAL_MS = 100;

    private StackConfig() {}

    static String xml(ClusterConfig config, NodeConfig self, String logDir) {
        Timing t = config.timing();
        String hosts = config.nodes().stream().map(n -> n.address() + "[" + config.port() + "]")
                .collect(Collectors.joining(","));
        // The log's voters; every other node is a jgroups-raft learner (see haven.config.Voters).
        String members = config.voterIds().stream().map(haven.core.NodeId::name).collect(Collectors.joining(","));
        long joinMs = t.joinTimeout().toMillis();
        String stack = """
                <config xmlns="urn:org:jgroups">
                  <haven.membership.jgroups.SealedUDP bind_addr="%s" bind_port="%d" port_range="0" ip_mcast="false"
                       ucast_recv_buf_size="2m" ucast_send_buf_size="1m" bundler_type="haven.membership.jgroups.DirectSendBundler"
                       thread_pool.min_threads="0" thread_pool.max_threads="50" diag.enabled="false"/>
                  <TCPPING async_discovery="true" initial_hosts="%s" port_range="0"/>
                  <MERGE3 min_interval="1000" max_interval="3000"/>
                  <haven.membership.jgroups.LaneFedDetection timeout="%d" interval="%d"/>
                  <VERIFY_SUSPECT2 timeout="%d"/>
                  <BARRIER/>
                  <pbcast.NAKACK2 use_mcast_xmit="false" xmit_interval="200"/>
                  <UNICAST3 xmit_interval="200" conn_close_timeout="10000"/>
                  <pbcast.STABLE desired_avg_gossip="50000" max_bytes="4M"/>
                  <raft.NO_DUPES/>
                  <pbcast.GMS join_timeout="%d" view_ack_collection_timeout="500" leave_timeout="500" merge_timeout="2000"
                              print_local_addr="false"/>
                  <MFC max_credits="2M"/>
                  <UFC max_credits="2M"/>
                  <FRAG2 frag_size="60000"/>
                  <haven.membership.jgroups.SteadyElection vote_timeout="%d"/>
                  <raft.RAFT members="%s" raft_id="%s" log_dir="%s" log_prefix="%s" resend_interval="%d"
                             send_commits_immediately="false" max_log_size="1000000" log_use_fsync="true"/>
                  <raft.REDIRECT/>
                </config>
                """.formatted(self.address(), config.port(), hosts,
                t.failureTimeout().toMillis(), t.heartbeatInterval().toMillis(), t.verifyTimeout().toMillis(),
                joinMs, Math.max(300, t.failureTimeout().toMillis()), members, self.id().name(), logDir,
                config.clusterName() + "-" + self.id().name(), RESEND_INTERVAL_MS);
        return stack;
    }
}
