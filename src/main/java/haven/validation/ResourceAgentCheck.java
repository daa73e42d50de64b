package haven.validation;

import haven.config.budget.YamlPlaces;
import haven.config.budget.Finding;
import haven.config.budget.Blame;
import haven.config.ClusterConfig;
import haven.config.ResourceConfig;
import haven.config.budget.Finding.Severity;
import haven.core.Durations;
import haven.core.Suggestions;
import haven.executor.agents.lsb.LsbAgent;
import haven.executor.agents.ocf.OcfAction;
import haven.executor.agents.ocf.OcfMetadata;
import haven.executor.agents.ocf.OcfMetadataReader;
import haven.executor.agents.ocf.OcfParameter;
import haven.executor.agents.ocf.OcfRoot;
import haven.executor.agents.ocf.OcfType;
import haven.executor.agents.systemd.SystemdAgent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Asks the agents installed on this machine about the resources that use them (ocf:, lsb:, systemd:), as
 * {@link FenceAgentCheck} does for fence devices: an OCF parameter the agent does not know, or a required
 * one left out, is an error, since the resource would fail on every node; an agent missing here is a
 * warning that says its parameters were not checked, since the file may be checked on a machine that is
 * not a node.
 */
public final class ResourceAgentCheck {
    private final OcfRoot root;
    private final Path initDir;
    /** Several resources often share one agent; it is asked once. */
    private final Map<OcfType, Optional<OcfMetadata>> metadata = new HashMap<>();
    private final Map<OcfType, String> metadataFailure = new HashMap<>();

    public ResourceAgentCheck(OcfRoot root, Path initDir) {
        this.root = root;
        this.initDir = initDir;
    }

    public static ResourceAgentCheck standard() {
        return new ResourceAgentCheck(OcfRoot.STANDARD, LsbAgent.INIT_D);
    }

    /** @param yaml the text the config was loaded from, for places; null when it is not at hand */
    public List<Finding> run(ClusterConfig config, String yaml, String source) {
        Blame blame = Blame.lazy(source, yaml, config);
        List<Finding> found = new ArrayList<>();
        for (ResourceConfig r : config.resources()) {
            if (OcfType.looksLike(r.type())) {
                found.addAll(ocf(r, OcfType.parse(r.type()), blame));
            } else if (r.type().startsWith(LsbAgent.PREFIX)) {
                Path script = initDir.resolve(LsbAgent.scriptName(r.type()));
                if (!Files.isExecutable(script)) {
                    found.add(warning(blame, r, "type", "init script " + script + " does not exist here",
                            "install the package that provides it on every node, or check the name (`haven agent list`)"));
                }
            } else if (r.type().startsWith(SystemdAgent.PREFIX)) {
                SystemdAgent.unavailable().ifPresent(why -> found.add(warning(blame, r, "type", why + " (this machine; the "
                        + "nodes may differ)", "run the check on a node; a node without systemd cannot run " + r.type())));
            }
        }
        return found;
    }

    private List<Finding> ocf(ResourceConfig r, OcfType type, Blame blame) {
        if (!root.installed(type)) {
            String hint = Suggestions.nearest(type.type(), root.agents().stream().map(OcfType::type).toList())
                    .map(n -> "did you mean '" + n + "'? ").orElse("");
            return List.of(warning(blame, r, "type", type + " is not installed on this machine (no " + root.script(type)
                    + "), so its parameters were not checked", hint + "install resource-agents on every node (Debian: "
                    + "apt-get install resource-agents); `haven agent list` shows the agents installed"));
        }
        Optional<OcfMetadata> md = metadataOf(type);
        if (md.isEmpty()) {
            return List.of(warning(blame, r, "type", type + " did not describe its parameters (" + metadataFailure.get(type)
                    + "), so they were not checked", "run `haven agent info " + type + "` on this machine to see why"));
        }
        List<Finding> found = new ArrayList<>();
        String what = "resources[" + r.id().name() + "].params";
        String info = "`haven agent info " + type + "` lists every parameter it accepts, with its meaning";
        for (Map.Entry<String, String> e : r.params().entrySet()) {
            Optional<OcfParameter> p = md.get().parameter(e.getKey());
            if (p.isEmpty()) {
                String near = Suggestions.nearest(e.getKey(), md.get().parameterNames()).map(n -> "; did you mean '" + n + "'?").orElse("");
                found.add(error(blame, r, "params/" + e.getKey(), what + ": parameter '" + e.getKey() + "' is not known to "
                        + type + near, info));
            } else if (p.get().type().equals("integer") && !e.getValue().strip().matches("-?\\d+")) {
                found.add(error(blame, r, "params/" + e.getKey(), what + ": parameter '" + e.getKey() + "' must be a whole "
                        + "number for " + type + ", not '" + e.getValue() + "'", info));
            }
        }
        found.addAll(timeouts(r, type, md.get(), blame));
        for (OcfParameter p : md.get().parameters()) {
            if (!p.required() || r.params().containsKey(p.name())) continue;
            String desc = p.shortdesc().isEmpty() ? "" : " (" + p.shortdesc() + ")";
            found.add(error(blame, r, "params", what + ": parameter '" + p.name() + "'" + desc + " is required by " + type,
                    "add " + p.name() + ": VALUE under params:; " + info));
        }
        return found;
    }

    /**
     * A timeout below what the agent's author advises is a warning, not an error: the advice is a minimum
     * for the worst case, and a small service may do with less, which `haven agent test` shows.
     */
    private static List<Finding> timeouts(ResourceConfig r, OcfType type, OcfMetadata md, Blame blame) {
        List<Finding> found = new ArrayList<>();
        Map<String, java.time.Duration> configured = new java.util.LinkedHashMap<>();
        configured.put("start", r.startTimeout());
        configured.put("stop", r.stopTimeout());
        configured.put("monitor", r.monitorTimeout());
        configured.forEach((action, mine) -> md.action(action).flatMap(OcfAction::timeout)
                .filter(advised -> mine.compareTo(advised) < 0)
                .ifPresent(advised -> found.add(warning(blame, r, action + "_timeout", Durations.format(mine)
                        + (blame.written(r, action + "_timeout") ? "" : " (the default)") + " is shorter than the "
                        + Durations.format(advised) + " " + type + " advises for " + action,
                        "set " + action + "_timeout: " + Durations.format(advised) + " or more, or check with `haven agent test "
                                + type + "` that " + action + " finishes well within " + Durations.format(mine)))));
        return found;
    }

    private Optional<OcfMetadata> metadataOf(OcfType type) {
        return metadata.computeIfAbsent(type, t -> {
            try {
                return Optional.of(OcfMetadataReader.read(root, t, "haven-config-check", List.of()));
            } catch (IllegalArgumentException e) {
                metadataFailure.put(t, e.getMessage());
                return Optional.empty();
            }
        });
    }

    private static Finding warning(Blame blame, ResourceConfig r, String key, String message, String hint) {
        return new Finding(Severity.WARNING, blame.problem(blame.resource(r, key), "resources[" + r.id().name() + "]." + key
                + ": " + message, hint));
    }

    private static Finding error(Blame blame, ResourceConfig r, String key, String message, String hint) {
        return new Finding(Severity.ERROR, blame.problem(blame.resource(r, key), message, hint));
    }
}
