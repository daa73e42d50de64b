package haven.pacemaker;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The parts of the imported config written from cluster options and from each resource and group. */
final class CibPolicy {
    private CibPolicy() {}

    /** {@code policy:} and {@code quorum:} from crm_config's options and rsc_defaults. */
    static void append(StringBuilder y, Map<String, String> options, Map<String, String> defaults, List<String> warnings) {
        List<String> policy = new ArrayList<>();
        String stickiness = defaults.getOrDefault("resource-stickiness", options.get("default-resource-stickiness"));
        if (stickiness != null) {
            // haven's stickiness is all or nothing: a running group stays unless a strictly better score appears elsewhere
            // only without it. Any positive stickiness keeps groups where they run, as it does in practice.
            boolean sticky = !stickiness.strip().equals("0");
            policy.add("stickiness: " + sticky + "   # resource-stickiness " + stickiness);
        } else {
            policy.add("stickiness: false   # Pacemaker's default resource-stickiness is 0");
        }
        String threshold = defaults.get("migration-threshold");
        if (threshold != null && !threshold.toUpperCase(java.util.Locale.ROOT).contains("INFINITY")) {
            policy.add("migration_threshold: " + threshold.strip());
        }
        String failureTimeout = defaults.get("failure-timeout");
        if (failureTimeout != null) policy.add("failure_window: " + failureTimeout.strip());
        String strategy = options.getOrDefault("placement-strategy", "default");
        policy.add("strategy: " + switch (strategy) {
            case "balanced" -> "balanced";
            case "minimal" -> "packed";
            default -> "preferred";
        } + "   # placement-strategy " + strategy + (strategy.equals("default") ? " (haven counts utilization under every strategy)" : ""));
        if ("false".equals(options.get("symmetric-cluster"))) {
            warnings.add("symmetric-cluster=false (opt-in) is not imported: haven may place a group on any node no rule forbids;"
                    + " add -inf locations for the nodes a group must avoid");
        }
        y.append("policy:\n");
        for (String p : policy) y.append("  ").append(p).append('\n');
        String noQuorum = options.get("no-quorum-policy");
        if (noQuorum != null) {
            switch (noQuorum) {
                case "stop", "freeze", "ignore" -> y.append("quorum:\n  no_quorum_policy: ").append(noQuorum).append('\n');
                default -> warnings.add("no-quorum-policy " + noQuorum + " is not imported (haven has stop, freeze and ignore)");
            }
        }
    }

    static void resource(StringBuilder y, CibResources.Primitive p, List<String> warnings) throws ImportException {
        y.append("  - name: ").append(p.id()).append('\n');
        y.append("    type: ").append(p.type()).append('\n');
        if (!p.params().isEmpty()) y.append("    params: ").append(CibImport.inline(p.params(), true)).append('\n');
        for (CibResources.Op op : p.ops()) {
            String at = "<op name=\"" + op.name() + "\"> of " + p.id();
            switch (op.name()) {
                case "monitor" -> {
                    String every = op.interval().isBlank() ? "0s" : Values.duration(op.interval(), at);
                    if (!every.startsWith("0")) y.append("    monitor_interval: ").append(every).append('\n'); // 0: a probe, not a monitor
                    if (!op.timeout().isBlank()) y.append("    monitor_timeout: ").append(Values.duration(op.timeout(), at)).append('\n');
                }
                case "start" -> {
                    if (!op.timeout().isBlank()) y.append("    start_timeout: ").append(Values.duration(op.timeout(), at)).append('\n');
                }
                case "stop" -> {
                    if (!op.timeout().isBlank()) y.append("    stop_timeout: ").append(Values.duration(op.timeout(), at)).append('\n');
                }
                default -> { } // promote, demote, notify: haven uses the start and stop timeouts for them
            }
        }
        metaWarnings(p.id(), p.meta(), warnings);
    }

    static void group(StringBuilder y, CibResources.Unit u, CibConstraints constraints, List<String> warnings) {
        List<String> locations = constraints == null ? List.of() : constraints.locations.getOrDefault(u.name(), List.of());
        List<String> colocations = constraints == null ? List.of() : constraints.colocations.getOrDefault(u.name(), List.of());
        List<String> after = constraints == null ? List.of() : constraints.orders.getOrDefault(u.name(), List.of());
        Map<String, Long> needs = u.needs();
        boolean plainAlone = !u.explicit() && locations.isEmpty() && colocations.isEmpty() && after.isEmpty() && needs.isEmpty();
        if (plainAlone) return; // haven's implicit group of a lone resource says the same
        y.append("  - name: ").append(u.name()).append('\n');
        y.append("    members: [").append(String.join(", ", u.members().stream().map(CibResources.Primitive::id).toList())).append("]\n");
        switch (u.kind()) {
            case CLONE -> y.append("    clone: ").append(u.clones() == 0 ? "all" : Integer.toString(u.clones())).append('\n');
            case PROMOTABLE -> y.append("    promotable: { members: [").append(String.join(", ", u.members().stream()
                    .map(CibResources.Primitive::id).toList())).append("]").append(u.clones() == 0 ? "" : ", replicas: " + (u.clones() - 1))
                    .append("true".equalsIgnoreCase(u.meta().get("notify")) ? ", notify: true" : "").append(" }\n");
            case PLAIN -> { }
        }
        if (!locations.isEmpty()) y.append("    location: [").append(String.join(", ", locations)).append("]\n");
        if (!colocations.isEmpty()) y.append("    colocate: [").append(String.join(", ", colocations)).append("]\n");
        if (!after.isEmpty()) y.append("    after: [").append(String.join(", ", after)).append("]\n");
        if (!needs.isEmpty()) {
            Map<String, String> text = new java.util.TreeMap<>();
            needs.forEach((k, v) -> text.put(k, Long.toString(v)));
            y.append("    needs: ").append(CibImport.inline(text, false)).append('\n');
        }
        metaWarnings(u.name(), u.meta(), warnings);
    }

    /** Meta attributes that are runtime state in haven, not config: said, with the command that sets them. */
    private static void metaWarnings(String id, Map<String, String> meta, List<String> warnings) {
        if ("Stopped".equalsIgnoreCase(meta.get("target-role"))) {
            warnings.add(id + ": target-role Stopped; after applying, `haven resource disable " + id + "`");
        }
        if ("false".equalsIgnoreCase(meta.get("is-managed"))) {
            warnings.add(id + ": is-managed false; after applying, `haven resource unmanage " + id + "`");
        }
        if (meta.containsKey("resource-stickiness")) {
            warnings.add(id + ": a resource's own resource-stickiness is not imported (haven's stickiness is the policy's)");
        }
    }
}
