package haven.executor.agents.ocf;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The OCF root: agents live in {@code ROOT/resource.d/PROVIDER/TYPE}, and agents find their shell library
 * through {@code OCF_ROOT}. The standard one is where Debian's resource-agents installs them; tests use a
 * root of their own to hold agents they ship.
 */
public record OcfRoot(Path dir) {
    public static final OcfRoot STANDARD = new OcfRoot(Path.of("/usr/lib/ocf"));

    public Path script(OcfType type) {
        return dir.resolve("resource.d").resolve(type.provider()).resolve(type.type());
    }

    public boolean installed(OcfType type) {
        Path p = script(type);
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }

    /** Every executable agent under this root, by provider then type; empty when the root does not exist. */
    public List<OcfType> agents() {
        List<OcfType> out = new ArrayList<>();
        for (Path provider : sorted(dir.resolve("resource.d"))) {
            if (!Files.isDirectory(provider)) continue;
            for (Path agent : sorted(provider)) {
                if (!Files.isRegularFile(agent) || !Files.isExecutable(agent)) continue;
                try {
                    out.add(new OcfType(provider.getFileName().toString(), agent.getFileName().toString()));
                } catch (IllegalArgumentException e) {
                    // A file whose name we could not write in a config is not an agent anyone can use.
                }
            }
        }
        return out;
    }

    private static List<Path> sorted(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }
}
