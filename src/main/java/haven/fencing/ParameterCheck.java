package haven.fencing;

import haven.config.fence.Secrets;
import haven.config.fence.FenceDevice;
import haven.core.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a device's configured parameters against its agent's metadata, before the day they are needed:
 * an unknown name (a typo, or a parameter of another agent), a required one missing, a value outside a
 * select's options or a non-number where an integer belongs. Deprecated names give a warning naming
 * the current one.
 */
public final class ParameterCheck {
    /**
     * Parameters haven sets itself on every run: the action, and the target under whichever name the
     * agent uses. A device must not configure them (see {@link FenceDevice}).
     */
    public static final Set<String> SET_BY_HAVEN = haven.config.fence.FenceAgents.SET_BY_HAVEN;

    private ParameterCheck() {}

    public static List<ParameterProblem> check(FenceDevice device, AgentMetadata metadata) {
        return check(device.name(), device.params(), metadata);
    }

    public static List<ParameterProblem> check(String device, Map<String, String> params, AgentMetadata md) {
        List<ParameterProblem> problems = new ArrayList<>();
        Map<String, ParameterSpec> known = md.byName();
        for (Map.Entry<String, String> e : params.entrySet()) {
            String name = e.getKey();
            ParameterSpec spec = known.get(name);
            if (spec == null) {
                String fix = Suggestions.nearest(name, known.keySet())
                        .map(n -> "did you mean '" + n + "'?")
                        .orElse("remove it, or see the parameters with `haven fence metadata " + md.agent() + "`");
                problems.add(new ParameterProblem(device, name, true,
                        "parameter '" + name + "' is not known to " + md.agent() + "; " + fix));
                continue;
            }
            if (spec.deprecated()) {
                md.replacementOf(name).ifPresent(current -> problems.add(new ParameterProblem(device, name, false,
                        "parameter '" + name + "' is deprecated in " + md.agent() + "; write '" + current + "' instead")));
            }
            badValue(device, spec, e.getValue(), md).ifPresent(problems::add);
        }
        for (ParameterSpec spec : md.parameters()) {
            if (!spec.required() || SET_BY_HAVEN.contains(spec.name()) || given(spec, params, md)) continue;
            // A deprecated required name is reported through its replacement, once.
            if (spec.deprecated() && md.replacementOf(spec.name()).isPresent()) continue;
            String what = spec.shortdesc().isEmpty() ? "" : " (" + spec.shortdesc() + ")";
            problems.add(new ParameterProblem(device, spec.name(), true, "parameter '" + spec.name() + "'" + what
                    + " is required by " + md.agent() + "; add " + spec.name() + "=... to the device's parameters"));
        }
        return problems;
    }

    /** Given under its own name, the older name it obsoletes, or a newer name that obsoletes it. */
    private static boolean given(ParameterSpec spec, Map<String, String> params, AgentMetadata md) {
        if (params.containsKey(spec.name())) return true;
        if (spec.obsoletes().filter(params::containsKey).isPresent()) return true;
        return md.replacementOf(spec.name()).filter(params::containsKey).isPresent();
    }

    private static java.util.Optional<ParameterProblem> badValue(String device, ParameterSpec spec, String value,
            AgentMetadata md) {
        String shown = Secrets.isSecret(spec.name()) ? Secrets.MASK : value;
        if (spec.type().equals("select") && !spec.options().isEmpty() && !spec.options().contains(value)) {
            return java.util.Optional.of(new ParameterProblem(device, spec.name(), true, "parameter '" + spec.name()
                    + "' is '" + shown + "' but " + md.agent() + " accepts only " + String.join(", ", spec.options())));
        }
        if (spec.type().equals("integer") && !value.strip().matches("-?\\d+")) {
            return java.util.Optional.of(new ParameterProblem(device, spec.name(), true, "parameter '" + spec.name()
                    + "' must be a whole number for " + md.agent() + ", not '" + shown + "'"));
        }
        return java.util.Optional.empty();
    }
}
