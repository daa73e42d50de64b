package haven.sim;

import haven.node.Probe;
import java.util.Arrays;
import java.util.Optional;

/**
 * The rare paths a batch must reach, each reported where it happens: by the node logic (a {@link Probe} on
 * its note) or by the simulator when it performs the effect or injects the fault. Typed, so that rewording a
 * log line cannot silently turn a probe off.
 */
public enum SimProbe {
    NODE_LOST_MOVED("node declared lost and its group moved"),
    GUARD_DAEMON_DIED("guard forced off the resources of a dead daemon"),
    GUARD_DEADLINE("guard forced off at the end of the lease"),
    FROZEN_LEASE_VOIDED("frozen node voided its lease on waking", Probe.FROZEN_LEASE_VOIDED),
    MEMBERS_JOINED_REPROBE("members joined: stopped resources probed again", Probe.MEMBERS_JOINED_REPROBE),
    PROPOSAL_RETRIED("proposal lost with its coordinator, retried", Probe.PROPOSAL_RETRIED),
    STOP_FORCED_OFF("stop failed and was forced off"),
    STUCK_NODE_FENCED("stop could not be forced: node fenced"),
    COORDINATOR_FENCED_ITSELF("coordinator fenced itself"),
    FREEZE_KEPT_SERVICES("freeze: a node without quorum kept its services", Probe.FREEZE_KEPT_SERVICES),
    LOSSY_BEATS("heartbeats lost, duplicated and reordered"),
    PAIR_CONTINUED_ALONE("two_node: the survivor fenced its peer and carried on alone"),
    PAIR_PEER_BACK("two_node: the fenced peer came back as a voter"),
    MAINTENANCE_LEFT_ALONE("maintenance: a failure left alone", Probe.MAINTENANCE_LEFT_ALONE),
    MAINTENANCE_ENDED("maintenance ended: everything probed again", Probe.MAINTENANCE_ENDED),
    GUARD_KILLED_HUNG_DAEMON("guard killed a daemon silent past the hang limit"),
    GUARD_RESTARTED("guard died and was started again, told everything"),
    GUARD_GIVEN_UP("guard died past its restart budget: the node gave up its resources and its daemon left"),
    DAEMON_KILLED_AT_START("daemon killed between launching a process and learning of it"),
    START_FAILED("a start failed (sometimes leaving the resource running)"),
    MONITOR_FAILED("a health check failed on a running resource"),
    FENCE_FAILED("a fence device failed"),
    FENCE_NEXT_LEVEL("a fence level failed and the next level fenced the node"),
    ONE_WAY_CUT("one-way partition: a node hears its peers, they do not hear it"),
    PROMOTION_REFUSED_BEHIND("a replica refused the primary role: a replica it reaches holds a more current copy"),
    CONFIG_CHANGED("a committed config change (the db group added or removed) taken by a node"),
    QUIET_PACE("a quiet node left beats queued for its next step (haven.node.Stepping)");

    private final String description;
    private final Optional<Probe> fromNode;

    SimProbe(String description) {
        this(description, null);
    }

    SimProbe(String description, Probe fromNode) {
        this.description = description;
        this.fromNode = Optional.ofNullable(fromNode);
    }

    public String description() {
        return description;
    }

    /** The simulator's probe for a path the node logic reported. */
    static SimProbe of(Probe p) {
        return Arrays.stream(values()).filter(s -> s.fromNode.equals(Optional.of(p))).findFirst()
                .orElseThrow(() -> new IllegalStateException("node probe " + p + " has no simulator probe: add one to SimProbe"));
    }
}
