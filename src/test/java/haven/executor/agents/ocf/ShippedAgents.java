package haven.executor.agents.ocf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The OCF agents the tests ship (src/test/resources/ocf/resource.d/haventest), installed into an OCF root
 * of the test's own, since Maven's copy of the resources does not keep the executable bit.
 */
public final class ShippedAgents {
    public static final String PROVIDER = "haventest";
    public static final List<String> NAMES = List.of("StopLeavesRunning", "MonitorAlwaysRunning", "EnvDump", "Daemonizes", "Stateful");

    private ShippedAgents() {}

    public static OcfRoot install(Path dir) throws IOException {
        Path agents = Files.createDirectories(dir.resolve("resource.d").resolve(PROVIDER));
        for (String name : NAMES) {
            try (InputStream in = ShippedAgents.class.getResourceAsStream("/ocf/resource.d/" + PROVIDER + "/" + name)) {
                if (in == null) throw new IllegalStateException("test resource ocf/resource.d/" + PROVIDER + "/" + name + " is missing");
                Path to = agents.resolve(name);
                Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
                if (!to.toFile().setExecutable(true)) throw new IOException("cannot make " + to + " executable");
            }
        }
        return new OcfRoot(dir);
    }

    public static OcfType type(String name) {
        return new OcfType(PROVIDER, name);
    }
}
