package haven.executor.agents.ocf;

import haven.core.ResourceId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;

/**
 * Where the OCF agents haven runs set their promotion scores: haven's own {@code crm_master} and
 * {@code crm_attribute} (in the jar, written into the node's state folder at start so they always match the
 * daemon), first on the agents' PATH and named by HA_SBIN_DIR, which resource-agents' ocf_promotion_score calls
 * them through; each writes one file per attribute into the attributes folder, read here after an operation.
 * Only this node's attributes, and only promotion scores mean something to haven.
 */
public final class PromotionScores {
    /** Pacemaker's INFINITY, which the stand-ins write for INFINITY. */
    public static final long INFINITY = 1_000_000;
    private static final String[] COMMANDS = {"crm_attribute", "crm_master"};

    private final Path attributes;
    private final Map<String, String> environment;

    private PromotionScores(Path attributes, Map<String, String> environment) {
        this.attributes = attributes;
        this.environment = Map.copyOf(environment);
    }

    /** Writes the stand-ins into {@code stateDir}/sbin and makes {@code stateDir}/attributes, emptied: scores live for one run. */
    public static PromotionScores install(Path stateDir) throws IOException {
        Path sbin = Files.createDirectories(stateDir.resolve("sbin"));
        for (String name : COMMANDS) {
            try (InputStream in = PromotionScores.class.getResourceAsStream("/haven/ocf/" + name)) {
                if (in == null) throw new IOException("haven/ocf/" + name + " is missing from the jar");
                Path to = sbin.resolve(name);
                Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
                if (!to.toFile().setExecutable(true, false)) throw new IOException("cannot make " + to + " executable");
            }
        }
        Path attributes = Files.createDirectories(stateDir.resolve("attributes"));
        try (var old = Files.list(attributes)) {
            for (Path p : old.toList()) Files.deleteIfExists(p);
        }
        String path = sbin + ":" + Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
        return new PromotionScores(attributes, Map.of("PATH", path, "HA_SBIN_DIR", sbin.toString(), "HAVEN_ATTRIBUTES", attributes.toString()));
    }

    /** What an agent's calls need in their environment to find the stand-ins and their folder. */
    public Map<String, String> environment() {
        return environment;
    }

    /** The promotion score {@code resource}'s agent set here, or empty (never set, deleted, or unreadable). */
    public Optional<Long> of(ResourceId resource) {
        try {
            String text = Files.readString(attributes.resolve("master-" + resource.name())).strip();
            long v = Long.parseLong(text);
            return Optional.of(Math.max(-INFINITY, Math.min(INFINITY, v)));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
