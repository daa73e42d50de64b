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
        for (String name : NAMES) installOne(dir, name);
        return new OcfRoot(dir);
    }

    /** One of the agents, executable, into the OCF root {@code dir} (a lab test's daemons use the standard root); its path. */
    public static Path installOne(Path dir, String name) throws IOException {
        Path agents = Files.createDirectories(dir.resolve("resource.d").resolve(PROVIDER));
        try (InputStream in = ShippedAgents.class.getResourceAsStream("/ocf/resource.d/" + PROVIDER + "/" + name)) {
            if (in == null) throw new IllegalStateException("test resource ocf/resource.d/" + PROVIDER + "/" + name + " is missing");
            Path to = agents.resolve(name);
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
            if (!to.toFile().setExecutable(true)) throw new IOException("cannot make " + to + " executable");
            return to;
        }
    }

    public static OcfType type(String name) {
        return new OcfType(PROVIDER, name);
    }
}
