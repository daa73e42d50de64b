package haven.client;

import java.util.List;

/**
 * A barrier round ended at a timeout. Every caller of the round gets this, on every node. {@code missing}
 * names the absent participants when they were expected by name; {@code missingCount} is how many.
 */
public final class BarrierTimeoutException extends HavenException {
    private final List<String> missing;
    private final List<String> arrived;
    private final int missingCount;

    public BarrierTimeoutException(String message, List<String> missing, int missingCount, List<String> arrived) {
        super(504, message);
        this.missing = List.copyOf(missing);
        this.missingCount = missingCount;
        this.arrived = List.copyOf(arrived);
    }

    public List<String> missing() {
        return missing;
    }

    public int missingCount() {
        return missingCount;
    }

    public List<String> arrived() {
        return arrived;
    }
}
