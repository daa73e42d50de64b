package haven.api;

import haven.cib.FenceRecord;
import haven.config.GroupConfig;
import haven.config.NodeConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.events.EventRecorder;
import haven.events.OperationStats;
import haven.membership.jgroups.TrafficStats;
import haven.node.NodeStatus;
import java.util.Locale;
import java.util.Map;

/**
 * GET /metrics: what this node sees, in the Prometheus text format (0.0.4) or, when the scraper asks for
 * it, OpenMetrics 1.0. The two differ only in how a counter's family is named and in the closing
 * {@code # EOF}. Resource states are state sets: one series per possible state, 1 for the current one, so
 * a dashboard can count "started" without parsing strings.
 */
public final class Metrics {
    static final String[] RESOURCE_STATES = {"started", "starting", "stopping", "stopped", "failed", "stop-failed", "unknown"};

    private Metrics() {}

    public static String contentType(boolean openMetrics) {
        return openMetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8" : "text/plain; version=0.0.4; charset=utf-8";
    }

    public static String render(NodeStatus s, EventRecorder events, boolean openMetrics) {
        return render(s, events, openMetrics, r -> Map.of());
    }

    /** {@code replication}: each resource's replicated copy as this node knows it (see HaTree#addReplication). */
    public static String render(NodeStatus s, EventRecorder events, boolean openMetrics,
            java.util.function.Function<ResourceId, Map<String, String>> replication) {
        Writer w = new Writer(openMetrics);
        w.gauge("haven_members", "cluster members this node sees, itself included");
        w.sample("haven_members", "", s.members().size());
        w.gauge("haven_nodes_configured", "nodes in the configuration, witnesses included");
        w.sample("haven_nodes_configured", "", s.config().nodes().size());
        w.gauge("haven_quorate", "1 if this node is in the partition with quorum (its lease is valid)");
        w.sample("haven_quorate", "", s.quorate() ? 1 : 0);
        w.gauge("haven_coordinator", "1 for the node this node takes as coordinator");
        for (NodeConfig n : s.config().nodes()) {
            w.sample("haven_coordinator", label("node", n.id().name()), s.coordinator().equals(java.util.Optional.of(n.id())) ? 1 : 0);
        }
        w.gauge("haven_node_online", "1 if the node is a member of this node's view");
        for (NodeConfig n : s.config().nodes()) {
            w.sample("haven_node_online", label("node", n.id().name()), s.members().contains(n.id()) ? 1 : 0);
        }
        w.gauge("haven_node_standby", "1 if the node is in standby");
        for (NodeConfig n : s.config().nodes()) {
            w.sample("haven_node_standby", label("node", n.id().name()), s.state().standby().contains(n.id()) ? 1 : 0);
        }
        w.gauge("haven_state_version", "log entries applied to this node's copy of the cluster state");
        w.sample("haven_state_version", "", s.state().version());
        groupsAndResources(s, w);
        replication(s, replication, w);
        w.counter("haven_failovers", "groups placed on another node than the one they ran on, seen by this node since it started");
        w.sample("haven_failovers_total", "", events.failovers());
        w.gauge("haven_fencing_records", "fencing attempts the cluster state remembers, by outcome");
        long fenced = s.state().fencing().stream().filter(FenceRecord::ok).count();
        w.sample("haven_fencing_records", label("ok", "true"), fenced);
        w.sample("haven_fencing_records", label("ok", "false"), s.state().fencing().size() - fenced);
        operations(events.operations().snapshot(), w);
        w.counter("haven_events", "events published on this node's /ha/events stream since it started");
        w.sample("haven_events_total", "", events.ring().last());
        clusterTraffic(w);
        return w.done();
    }

    private static void groupsAndResources(NodeStatus s, Writer w) {
        w.gauge("haven_group_placed", "1 for the node a group is placed on");
        for (GroupConfig g : s.config().groups()) {
            var gs = s.state().group(g.id());
            for (NodeId n : s.config().serviceNodeIds()) {
                w.sample("haven_group_placed", label("group", g.id().name()) + "," + label("node", n.name()),
                        gs.assigned().equals(java.util.Optional.of(n)) ? 1 : 0);
            }
        }
        w.gauge("haven_resource_state", "state set: 1 for the resource's current state as this node knows it");
        for (GroupConfig g : s.config().groups()) {
            for (ResourceId r : g.members()) {
                String state = s.resourceState(s.state().group(g.id()), r).split(" ")[0];
                for (String candidate : RESOURCE_STATES) {
                    w.sample("haven_resource_state", label("resource", r.name()) + "," + label("state", candidate),
                            candidate.equals(state) ? 1 : 0);
                }
            }
        }
        w.gauge("haven_resource_failures", "failures the cluster state remembers, by resource and node");
        for (ResourceId r : s.config().resources().stream().map(x -> x.id()).toList()) {
            for (NodeId n : s.config().serviceNodeIds()) {
                w.sample("haven_resource_failures", label("resource", r.name()) + "," + label("node", n.name()),
                        s.state().failureCount(r, n, 0));
            }
        }
    }

    /** Only the resources whose copy this node runs (replicated-dir); the primary's figures only on the primary. */
    private static void replication(NodeStatus s, java.util.function.Function<ResourceId, Map<String, String>> replication, Writer w) {
        Map<ResourceId, Map<String, String>> here = new java.util.TreeMap<>();
        for (var r : s.config().resources()) {
            Map<String, String> m = replication.apply(r.id());
            if (!m.isEmpty() && !"stopped".equals(m.get("role"))) here.put(r.id(), m);
        }
        if (here.isEmpty()) return;
        w.gauge("haven_replication_primary", "1 if this node's copy of the replicated resource is its primary, 0 for a replica");
        here.forEach((r, m) -> w.sample("haven_replication_primary", label("resource", r.name()), "primary".equals(m.get("role")) ? 1 : 0));
        w.gauge("haven_replication_whole", "1 if this node's copy is whole (may be promoted)");
        here.forEach((r, m) -> w.sample("haven_replication_whole", label("resource", r.name()), "true".equals(m.get("whole")) ? 1 : 0));
        w.gauge("haven_replication_epoch", "the sync epoch of this node's copy (grows when the primary loses an in-sync replica)");
        here.forEach((r, m) -> w.sample("haven_replication_epoch", label("resource", r.name()), number(m.get("epoch"))));
        Map<ResourceId, Map<String, String>> primaries = new java.util.TreeMap<>();
        here.forEach((r, m) -> {
            if ("primary".equals(m.get("role"))) primaries.put(r, m);
        });
        if (primaries.isEmpty()) return;
        w.gauge("haven_replication_in_sync_replicas", "replicas in sync with this node, the primary");
        primaries.forEach((r, m) -> {
            String inSync = m.getOrDefault("in_sync", "");
            w.sample("haven_replication_in_sync_replicas", label("resource", r.name()), inSync.isEmpty() ? 0 : inSync.split(",").length);
        });
        w.gauge("haven_replication_lag_bytes", "bytes an in-sync replica has not confirmed yet, on the primary");
        primaries.forEach((r, m) -> m.forEach((k, v) -> {
            if (k.startsWith("lag_bytes.")) {
                w.sample("haven_replication_lag_bytes", label("resource", r.name()) + "," + label("replica", k.substring(10)), number(v));
            }
        }));
        w.gauge("haven_replication_would_lose_bytes", "what a failover now would lose of what writers were told is stored;"
                + " -1: every write since the last replica left");
        primaries.forEach((r, m) -> w.sample("haven_replication_would_lose_bytes", label("resource", r.name()), number(m.get("would_lose_bytes"))));
        w.gauge("haven_replication_confirm_delay_ms", "the replicas' latest confirmation delays, on the primary");
        primaries.forEach((r, m) -> {
            w.sample("haven_replication_confirm_delay_ms", label("resource", r.name()) + "," + label("quantile", "0.5"), number(m.get("lag_p50_ms")));
            w.sample("haven_replication_confirm_delay_ms", label("resource", r.name()) + "," + label("quantile", "0.99"), number(m.get("lag_p99_ms")));
        });
    }

    private static double number(String text) {
        try {
            return text == null ? -1 : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void clusterTraffic(Writer w) {
        w.counter("haven_cluster_datagrams_sent", "sealed cluster datagrams this node sent since it started");
        w.sample("haven_cluster_datagrams_sent_total", "", TrafficStats.sentCount());
        w.counter("haven_cluster_datagrams_accepted", "cluster datagrams that authenticated and passed the replay check");
        w.sample("haven_cluster_datagrams_accepted_total", "", TrafficStats.acceptedCount());
        w.counter("haven_cluster_datagrams_refused", "cluster datagrams refused before JGroups saw them, by reason");
        for (TrafficStats.Refusal r : TrafficStats.Refusal.values()) {
            w.sample("haven_cluster_datagrams_refused_total", label("reason", r.label), TrafficStats.refusedCount(r));
        }
    }

    private static void operations(Map<OperationStats.Key, OperationStats.Totals> ops, Writer w) {
        w.counter("haven_operations", "agent operations this node ran, by resource, operation and result");
        ops.forEach((k, t) -> w.sample("haven_operations_total", opLabels(k), t.count()));
        w.counter("haven_operation_duration_seconds", "total time of those operations");
        ops.forEach((k, t) -> w.sample("haven_operation_duration_seconds_total", opLabels(k), t.durationMs() / 1000.0));
    }

    private static String opLabels(OperationStats.Key k) {
        return label("resource", k.resource()) + "," + label("op", k.op()) + "," + label("result", k.result());
    }

    static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** Appends families and samples in the chosen dialect. */
    private static final class Writer {
        private final boolean openMetrics;
        private final StringBuilder b = new StringBuilder();

        Writer(boolean openMetrics) {
            this.openMetrics = openMetrics;
        }

        void gauge(String name, String help) {
            b.append("# HELP ").append(name).append(' ').append(help).append('\n');
            b.append("# TYPE ").append(name).append(" gauge\n");
        }

        /** OpenMetrics names the family without _total; the old text format names it as its sample. */
        void counter(String family, String help) {
            String name = openMetrics ? family : family + "_total";
            b.append("# HELP ").append(name).append(' ').append(help).append('\n');
            b.append("# TYPE ").append(name).append(" counter\n");
        }

        void sample(String name, String labels, double value) {
            b.append(name);
            if (!labels.isEmpty()) b.append('{').append(labels).append('}');
            b.append(' ');
            if (value == Math.rint(value) && Math.abs(value) < 1e15) {
                b.append((long) value);
            } else {
                b.append(String.format(Locale.ROOT, "%.3f", value));
            }
            b.append('\n');
        }

        String done() {
            if (openMetrics) b.append("# EOF\n");
            return b.toString();
        }
    }
}
