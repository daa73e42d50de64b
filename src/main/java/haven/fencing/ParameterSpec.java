package haven.fencing;

import java.util.List;
import java.util.Optional;

/**
 * One parameter an agent accepts, as its metadata describes it.
 *
 * @param type       the metadata's content type: string, boolean, integer, second, select
 * @param options    the allowed values of a select parameter; empty otherwise
 * @param obsoletes  the older name this one replaces (fence-agents keep both: "password" obsoletes "passwd")
 * @param deprecated an old name kept for compatibility; a newer parameter obsoletes it
 */
public record ParameterSpec(String name, boolean required, boolean deprecated, Optional<String> obsoletes,
        String type, Optional<String> defaultValue, List<String> options, String shortdesc) {

    public ParameterSpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a parameter needs a name");
        options = List.copyOf(options);
    }
}
