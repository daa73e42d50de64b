package haven.config;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * How much YAML haven agrees to read, checked before the parser sees the text, so that a huge or hostile
 * file is refused in milliseconds instead of taking minutes and gigabytes.
 *
 * <ul>
 *   <li>{@link #MAX_FILE_BYTES}: 32 MiB. 50,000 groups of one resource each weigh about 7 MB, so this leaves
 *       room to grow; SnakeYAML's own default (3 Mi code points) refused them.</li>
 *   <li>{@link #MAX_LINE_CHARS}: 16 Ki characters. SnakeYAML scans a run without a line break (a long
 *       token, a long comment) by growing its window 1 Ki characters at a time and copying it each time, so
 *       the cost is quadratic in the length of a line: an 8 MB token took 17 s. Bounding every line bounds
 *       each scan, and the whole file stays linear (32 MiB of 16 Ki lines parse in well under a second). A
 *       key, a command line or a path never comes near it.</li>
 *   <li>{@link #MAX_SCALAR_CHARS}: a value folded over many lines is parsed in linear time but is still no
 *       config value; 64 Ki characters.</li>
 *   <li>{@link #MAX_NESTING}: 20 levels; a haven config needs 6 (fencing levels are the deepest), and the
 *       reader is recursive.</li>
 * </ul>
 * Aliases are refused by {@link YamlReader} (the streaming parser never expands them, so they cost nothing).
 */
public final class YamlLimits {
    public static final int MAX_FILE_BYTES = 32 * 1024 * 1024;
    public static final int MAX_LINE_CHARS = 16 * 1024;
    public static final int MAX_SCALAR_CHARS = 64 * 1024;
    public static final int MAX_NESTING = 20;

    private static final YAMLFactory FACTORY = YAMLFactory.builder().loaderOptions(loaderOptions()).build();

    private YamlLimits() {}

    /** The factory every reader of a config file uses, so that all of them accept the same texts. */
    public static YAMLFactory factory() {
        return FACTORY;
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions o = new LoaderOptions();
        // Code points never outnumber UTF-8 bytes, so the byte limit checked first is the one that bites.
        o.setCodePointLimit(MAX_FILE_BYTES);
        o.setNestingDepthLimit(MAX_NESTING);
        return o;
    }

    /** "12.3 MiB": sizes in messages, to one decimal. */
    public static String mebibytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
