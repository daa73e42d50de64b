package haven.core;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where haven's native programs (haven-guard, haven-rdir) live: in the folder of the jar (or of the classes folder,
 * in a build), which is where the build puts them and the package installs them.
 */
public final class BesideJar {
    private BesideJar() {}

    /** Where {@code program} belongs; empty when the jar's folder cannot be told. */
    public static Optional<Path> path(String program) {
        try {
            var source = BesideJar.class.getProtectionDomain().getCodeSource();
            if (source == null) return Optional.empty();
            Path dir = Path.of(source.getLocation().toURI()).getParent();
            return dir == null ? Optional.empty() : Optional.of(dir.resolve(program));
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
    }
}
