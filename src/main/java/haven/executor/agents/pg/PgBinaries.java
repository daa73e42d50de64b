package haven.executor.agents.pg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/** Where Debian keeps PostgreSQL's server programs: /usr/lib/postgresql/VERSION/bin, not on the PATH. */
public final class PgBinaries {
    public static final Path DEBIAN_ROOT = Path.of("/usr/lib/postgresql");

    private PgBinaries() {}

    /** The newest installed version's bin folder under {@code root}, e.g. /usr/lib/postgresql/15/bin. */
    public static Optional<Path> newest(Path root) {
        if (!Files.isDirectory(root)) return Optional.empty();
        try (var versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+(\\.\\d+)?"))
                    .filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
                    .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
