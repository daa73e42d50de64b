package haven.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import haven.core.ResourceId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a cluster config file (YAML) into a validated {@link ClusterConfig}: parse, then check everything,
 * then freeze. Every problem is reported with its line and column and a hint, all of them in one go, so a
 * user fixes a file in one pass; only a YAML syntax error stops reading early.
 *
 * <p>The format (keys are snake_case; `haven config example` prints a commented version):
 * <pre>
 * cluster:   name, key or key_file (exactly one; at least 16 bytes), port (7800), api_port (7480)
 * timing:    heartbeat, failure_timeout, verify_timeout, lease, lease_margin, join_timeout (optional)
 * policy:    stickiness, migration_threshold, failure_window, multiple_active (optional)
 * quorum:    mode (majority | two_node), wait_for_all, no_quorum_policy (stop | freeze | ignore), ping_nodes
 * nodes:     list of {name, address, role}; 1 or 3+ members (witnesses count), or exactly 2 in two_node mode
 * resources: list of {name, type, params, start_timeout, stop_timeout, monitor_interval, monitor_timeout}
 * groups:    list of {name, members, prefer}; a resource in no group gets a group of its own
 * haresources: instead of resources and groups, one line per group (see {@link HaresourcesSection})
 * fencing:   devices (list of {name, agent, params, hosts, timeout, delay}) and levels (node: [[device, ...], ...])
 * api:       listen, port (7443), tokens_file, tls_cert, tls_key: the API for other machines (HTTPS, tokens)
 * alerts:    list of {name, script, events, timeout}: scripts run on events, one at a time, in order
 * </pre>
 * A relative {@code key_file} is resolved against the directory of the config file (for {@link #parse},
 * against the working directory), so that a config and its key can be moved together.
 */
public final class ConfigLoader {
    static final List<String> SECTIONS =
            List.of("cluster", "timing", "policy", "quorum", "nodes", "resources", "groups", "haresources", "fencing", "api", "alerts");

    private ConfigLoader() {}

    public static ClusterConfig load(Path file) throws ConfigException {
        return parse(read(file), file.toString(), baseDirOf(file));
    }

    /** The folder a relative key_file in {@code file} is read from. */
    public static Path baseDirOf(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return dir == null ? Path.of("") : dir;
    }

    /**
     * The text of a config file, refused before it is read when it is not a regular file or is larger than
     * {@link YamlLimits#MAX_FILE_BYTES}: a parser given 50 MB spends minutes and gigabytes on it.
     */
    public static String read(Path file) throws ConfigException {
        String source = file.toString();
        try {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(source);
            }
            if (!Files.isRegularFile(file)) {
                throw wholeFile(source, "config file is not a regular file", "give the path of a YAML file; "
                        + "`haven config example > FILE` writes one");
            }
            long size = Files.size(file);
            if (size > YamlLimits.MAX_FILE_BYTES) {
                throw tooLarge(source, size);
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(YamlLimits.MAX_FILE_BYTES + 1); // it may grow while we read
            }
            if (bytes.length > YamlLimits.MAX_FILE_BYTES) {
                throw tooLarge(source, bytes.length);
            }
            // A strict decoder, because a stray Latin-1 byte would otherwise turn silently into U+FFFD.
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw wholeFile(source, "config file does not exist", "check the path, or create one with "
                    + "`haven config example > " + file + "`");
        } catch (CharacterCodingException e) {
            throw wholeFile(source, "config file is not UTF-8 text", "save it as UTF-8");
        } catch (IOException e) {
            throw wholeFile(source, "config file cannot be read: " + e, "check that it is a readable regular file");
        }
    }

    private static ConfigException tooLarge(String source, long size) {
        return wholeFile(source, "config file is " + size + " bytes (" + YamlLimits.mebibytes(size) + "), over the limit of "
                + YamlLimits.MAX_FILE_BYTES + " bytes (" + YamlLimits.mebibytes(YamlLimits.MAX_FILE_BYTES) + ")",
                "check that this is the right file: a config of 50,000 groups is about 7 MB; a larger cluster would "
                        + "be split into several");
    }

    public static ClusterConfig parse(String yaml, String sourceName) throws ConfigException {
        return parse(yaml, sourceName, Path.of(""));
    }

    /** {@code baseDir}: where a relative {@code key_file} is looked for (the config file's folder). */
    public static ClusterConfig parse(String yaml, String sourceName, Path baseDir) throws ConfigException {
        Problems problems = new Problems(sourceName);
        Optional<YamlNode> root = YamlReader.read(yaml, problems);
        if (root.isEmpty()) {
            problems.throwIfAny();
        }
        if (!(root.get() instanceof YamlNode.Mapping map)) {
            problems.add(root.get().place(), "the file must be a mapping with the sections "
                    + String.join(", ", SECTIONS) + ", not " + root.get().describe(),
                    "start from the output of `haven config example`");
            problems.throwIfAny();
            throw new AssertionError("unreachable: a problem was just added");
        }
        Fields top = new Fields(map, "", Place.START, SECTIONS, problems);
        ClusterSection.Settings cluster = ClusterSection.read(top, baseDir, problems);
        Optional<Timing> timing = TimingSection.read(top.mapping("timing", TimingSection.KEYS), problems);
        Optional<Policy> policy = PolicySection.read(top.mapping("policy", PolicySection.KEYS), problems);
        QuorumSection.Result quorum = QuorumSection.read(top, problems);
        NodesSection.Result nodes = NodesSection.read(top, quorum.excusesTwoNodes(), problems);
        ResourcesSection.Result resources = ResourcesSection.read(top, nodes.nodes(), problems);
        Map<String, String> resourceTypes = new HashMap<>();
        resources.resources().forEach(r -> resourceTypes.put(r.id().name(), r.type()));
        java.util.Set<String> attributeNames = new java.util.TreeSet<>();
        nodes.nodes().forEach(n -> attributeNames.addAll(n.attributes().keySet()));
        java.util.Set<String> capacityUnits = new java.util.TreeSet<>();
        nodes.nodes().forEach(n -> capacityUnits.addAll(n.capacity().keySet()));
        List<GroupConfig> groups = GroupsSection.read(top, nodes.names(), nodes.witnesses(), attributeNames, capacityUnits, resources.names(),
                resourceTypes, problems);
        HaresourcesSection.Result shortForm = HaresourcesSection.read(top, nodes.names(), nodes.nodes(), problems);
        FencingSection.Result fencing = FencingSection.read(top, nodes.names(), problems);
        QuorumSection.checkPingNodes(quorum, nodes.nodes(), problems);
        FencingRules.check(quorum, nodes.nodes(), fencing, problems);
        Optional<ApiAccess> api = ApiSection.read(top, cluster.apiPort(), baseDir, problems);
        Optional<List<AlertHook>> alerts = AlertsSection.read(top, problems);
        problems.throwIfAny();
        List<ResourceConfig> allResources = concat(resources.resources(), shortForm.resources());
        Map<ResourceId, ResourceConfig> byId = new HashMap<>();
        allResources.forEach(r -> byId.put(r.id(), r));
        return new ClusterConfig(cluster.name().orElseThrow(), cluster.key().orElseThrow(), cluster.port(),
                cluster.apiPort(), timing.orElseThrow(), policy.orElseThrow(), nodes.nodes(),
                allResources, StartOrder.resolve(concat(groups, shortForm.groups()), byId),
                quorum.quorum().orElseThrow(), fencing.topology(), api.orElseThrow(),
                alerts.orElseThrow(), cluster.voters());
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static ConfigException wholeFile(String source, String message, String hint) {
        return new ConfigException(List.of(new ConfigProblem(source, 0, 0, message, hint)));
    }
}
