package haven.executor.agents.ocf;

import java.util.List;
import java.util.Optional;

/** What an OCF agent says about itself in {@code meta-data}: its parameters and the actions it implements. */
public record OcfMetadata(String name, String version, String shortdesc, List<OcfParameter> parameters,
                          List<OcfAction> actions) {
    public OcfMetadata {
        parameters = List.copyOf(parameters);
        actions = List.copyOf(actions);
    }

    public Optional<OcfParameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public List<String> parameterNames() {
        return parameters.stream().map(OcfParameter::name).toList();
    }

    /** The first declaration of {@code name} (monitor is often declared once per role; the first is the plain one). */
    public Optional<OcfAction> action(String name) {
        return actions.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public boolean advertises(String action) {
        return action(action).isPresent();
    }
}
