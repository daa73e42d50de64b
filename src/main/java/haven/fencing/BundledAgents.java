package haven.fencing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Fence agents that ship inside haven's jar (the lab's {@code fence_haven_lab}). An agent must be a file
 * to be executed, so each is copied out on first use, to /run/haven/fencing (tmpfs, root's) or, when that
 * is not writable, to a folder under the temp directory.
 */
public final class BundledAgents {
    public static final String LAB_AGENT = "fence_haven_lab";
    private static final List<String> NAMES = List.of(LAB_AGENT);
    private static final String RESOURCE_DIR = "/haven/fencing/";
    private static final List<Path> DIRS = List.of(Path.of("/run/haven/fencing"),
            Path.of(System.getProperty("java.io.tmpdir"), "haven-fencing-" + ProcessHandle.current().info().user().orElse("user")));

    private BundledAgents() {}

    public static List<String> names() {
        return NAMES;
    }

    /** The bundled agent's executable file, written (or refreshed) in the first writable folder. */
    public static Optional<Path> extract(String name) {
        if (!NAMES.contains(name)) return Optional.empty();
        IOException last = null;
        for (Path dir : DIRS) {
            try {
                return Optional.of(extractTo(name, dir));
            } catch (IOException e) {
                last = e;
            }
        }
        throw new FenceException("cannot write the bundled fence agent " + name + " to any of " + DIRS + ": "
                + (last == null ? "" : last.getMessage()) + "; make one of them writable");
    }

    /**
     * Writes the agent to {@code dir} unless an identical copy is there. Written beside and renamed into
     * place, so a daemon running the agent at that moment never sees a half-written script.
     */
    public static Path extractTo(String name, Path dir) throws IOException {
        byte[] content = read(name);
        Files.createDirectories(dir);
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target) && Files.isExecutable(target) && Arrays.equals(Files.readAllBytes(target), content)) {
            return target;
        }
        Path tmp = Files.createTempFile(dir, name + ".", ".tmp");
        try {
            Files.write(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    private static byte[] read(String name) throws IOException {
        try (InputStream in = BundledAgents.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) throw new IOException("resource " + RESOURCE_DIR + name + " is missing from haven's build");
            return in.readAllBytes();
        }
    }
}
