package haven.config.live;

import haven.config.ClusterConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a running cluster can take without restarting its daemons: {@code resources}, {@code groups} (and
 * {@code haresources}, which become both) and {@code policy}. Everything else shapes the daemon itself:
 * the node list and quorum rules size the quorum and the cluster log's voters, {@code cluster} holds the
 * name, key and ports the transport was opened with, {@code timing} sets the lease every node's safety
 * rests on, {@code fencing} and {@code alerts} are loaded once, {@code api} is the listener this request
 * came through. A change there needs a rolling restart, and this says so instead of half-applying it.
 */
public final class LiveScope {
    private LiveScope() {}

    /** One line per section whose change cannot be applied live; empty when all of it can. */
    public static List<String> notLive(ClusterConfig old, ClusterConfig next) {
        List<String> out = new ArrayList<>();
        if (!old.clusterName().equals(next.clusterName())) out.add(need("cluster.name", "the cluster name"));
        if (!Arrays.equals(old.key(), next.key())) out.add(need("cluster.key / key_file", "the cluster key"));
        if (old.port() != next.port()) out.add(need("cluster.port", "the transport port"));
        if (old.apiPort() != next.apiPort()) out.add(need("cluster.api_port", "the local API port"));
        if (!old.voters().equals(next.voters())) {
            // Not even by a rolling restart: old and new voters would both be live, with majorities that need not overlap.
            out.add("cluster.voters: the cluster log's voters cannot change on a running cluster, nor node by node;"
                    + " stop every node, edit the file on every node, then start them all, or leave it as it is in this change");
        }
        if (!old.nodes().equals(next.nodes())) out.add(need("nodes", "the node list (names, addresses, roles)"));
        if (!old.timing().equals(next.timing())) out.add(need("timing", "the cluster timing (lease, heartbeat, timeouts)"));
        if (!old.quorum().equals(next.quorum())) out.add(need("quorum", "the quorum rules"));
        if (!old.fencing().equals(next.fencing())) out.add(need("fencing", "the fencing devices and levels"));
        if (!old.alerts().equals(next.alerts())) out.add(need("alerts", "the alert hooks"));
        if (!old.api().equals(next.api())) out.add(need("api", "the API listener, TLS and tokens"));
        return out;
    }

    private static String need(String where, String what) {
        return where + ": " + what + " cannot change on a running cluster; change it with a rolling restart"
                + " (edit the file on every node, then restart the nodes one at a time with `systemctl restart haven`),"
                + " or leave it as it is in this change";
    }
}
