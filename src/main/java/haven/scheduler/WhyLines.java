package haven.scheduler;

import java.util.AbstractList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The per-node lines of {@code haven why}, written only when read: the scheduler plans every second and every group
 * gets its explanation, while someone reads one rarely. Unmodifiable; each line is computed from immutable inputs.
 */
final class WhyLines extends AbstractList<String> {
    private final int size;
    private final IntFunction<String> line;

    WhyLines(int size, IntFunction<String> line) {
        this.size = size;
        this.line = line;
    }

    @Override
    public String get(int index) {
        java.util.Objects.checkIndex(index, size);
        return line.apply(index);
    }

    @Override
    public int size() {
        return size;
    }

    static List<String> of(int size, IntFunction<String> line) {
        return new WhyLines(size, line);
    }
}
