package haven.sim;

import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The safety checks, run on the history as it happens: each breach becomes a violation with its time. */
final class SimChecks {
    private final SimCluster c;
    final List<String> violations = new ArrayList<>();

    SimChecks(SimCluster c) {
        this.c = c;
    }

    private void violation(String text) {
        c.trace(" VIOLATION " + text);
        violations.add("t=" + c.now() + "ms: " + text);
    }

    /** {@code r} starts on {@code n}: never on a witness, never while another node still runs it. */
    void started(NodeId n, ResourceId r) {
        if (c.config.node(n).map(haven.config.NodeConfig::isWitness).orElse(false)) {
            violation(r + " started on witness " + n);
        }
        if (c.host(n).running.add(r)) {
            for (NodeId other : c.config.nodeIds()) {
                if (!other.equals(n) && c.host(other).running.contains(r)) {
                    violation(r + " started on " + n + " while still running on " + other);
                }
            }
        }
    }

    Set<NodeId> holders(ResourceId r) {
        Set<NodeId> s = new TreeSet<>();
        for (NodeId n : c.config.nodeIds()) {
            if (c.host(n).running.contains(r)) s.add(n);
        }
        return s;
    }
}
