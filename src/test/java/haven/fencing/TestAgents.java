package haven.fencing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The small agents of src/test/resources/fencing, copied out executable (resource copies lose the x bit). */
final class TestAgents {
    static final String SWITCH = "fence_test_switch";

    private TestAgents() {}

    static Path copy(String name, Path dir) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = TestAgents.class.getResourceAsStream("/fencing/" + name)) {
            if (in == null) throw new IOException("test resource /fencing/" + name + " missing");
            Files.write(target, in.readAllBytes());
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        return target;
    }
}
