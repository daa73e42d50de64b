package haven.fencing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What an agent says about itself ({@code action=metadata}): its parameters and the actions it supports. */
public record AgentMetadata(String agent, String shortdesc, List<ParameterSpec> parameters, List<String> actions) {

    public AgentMetadata {
        parameters = List.copyOf(parameters);
        actions = List.copyOf(actions);
    }

    public Optional<ParameterSpec> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Map<String, ParameterSpec> byName() {
        Map<String, ParameterSpec> m = new LinkedHashMap<>();
        parameters.forEach(p -> m.put(p.name(), p));
        return m;
    }

    public Set<String> names() {
        return byName().keySet();
    }

    public boolean supports(FenceAction action) {
        return actions.contains(action.wire());
    }

    /**
     * The parameter that names the target outlet. Current fence-agents call it "plug" and keep "port" as a
     * deprecated alias; some older or third-party agents know only "port".
     */
    public String plugParameter() {
        if (parameter("plug").isPresent() || parameter("port").isEmpty()) return "plug";
        return "port";
    }

    /** The current name for a deprecated one ("passwd" → "password"), if some parameter obsoletes it. */
    public Optional<String> replacementOf(String deprecated) {
        return parameters.stream().filter(p -> p.obsoletes().filter(deprecated::equals).isPresent())
                .map(ParameterSpec::name).findFirst();
    }
}
