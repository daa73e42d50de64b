package haven.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import haven.cib.ClusterState;
import haven.cib.Codec;
import haven.cib.Command;
import haven.cib.FailureRecord;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.ConfigException;
import haven.config.ConfigLoader;
import haven.core.Durations;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The scheduler corpus: each folder of src/test/resources/scheduler-cases holds a situation
 * ({@code input.json}) and the plan the scheduler must make from it ({@code expected.txt}, canonical
 * text). Run with {@code -Dhaven.scheduler.update=true} to rewrite every expected.txt from the current
 * scheduler; the diff is then reviewed like code. Every scheduler bug fix adds a case.
 *
 * <p>Each case holds its cluster as {@code config.yaml}, read by the daemon's own loader, so a case says what an
 * administrator would write (nodes and their attributes, groups and their preferences, policy).
 *
 * <p>input.json keys: description, state {group: {assigned, generation, mayBeActive, started, instances, startedOn}},
 * standby, moves {group: node}, failures [{resource, node, ago, detail}], entries (commands in the log's
 * JSON form, applied after the state, e.g. a cleanup), online, lost, now (epoch ms). Unknown keys are an
 * error so that a typo cannot silently change a case.
 */
class SchedulerCorpusTest {
    static final Path CASES = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
            .resolve("src/test/resources/scheduler-cases");
    static final boolean UPDATE = Boolean.getBoolean("haven.scheduler.update");
    static final long DEFAULT_NOW = 1_700_000_000_000L;
    static final ObjectMapper JSON = new ObjectMapper();

    static List<Path> cases() throws IOException {
        try (Stream<Path> s = Files.list(CASES)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseGivesItsExpectedPlan() throws IOException {
        return cases().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    @Test
    void corpusCoversAtLeastTwelveDescribedCases() throws IOException {
        List<Path> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(12);
        for (Path dir : cases) {
            JsonNode root = JSON.readTree(dir.resolve("input.json").toFile());
            assertThat(root.path("description").asText("")).as(dir.toString()).isNotBlank().doesNotContain("\n");
        }
    }

    private static void check(Path dir) throws IOException {
        String actual = render(Scheduler.plan(parse(dir.resolve("input.json"))));
        Path expectedFile = dir.resolve("expected.txt");
        if (UPDATE) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
            return;
        }
        assertThat(expectedFile).as("missing; run with -Dhaven.scheduler.update=true and review the result").exists();
        assertThat(actual).as(dir.getFileName() + " (rerun with -Dhaven.scheduler.update=true if the change is intended)")
                .isEqualTo(Files.readString(expectedFile, StandardCharsets.UTF_8));
    }

    // ---- input ----------------------------------------------------------------------------------------

    static SchedulerInput parse(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        only(root, file.toString(), "description", "state", "standby", "moves", "failures", "entries", "online", "lost", "now");
        long now = root.path("now").asLong(DEFAULT_NOW);
        Path yaml = file.resolveSibling("config.yaml");
        ClusterConfig config;
        try {
            config = ConfigLoader.parse(Files.readString(yaml), yaml.toString());
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }

        TreeMap<GroupId, GroupState> states = new TreeMap<>();
        long lastGeneration = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("state").fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode s = e.getValue();
            only(s, "state." + e.getKey(), "assigned", "generation", "mayBeActive", "started", "instances", "startedOn");
            Optional<NodeId> assigned = s.hasNonNull("assigned") ? Optional.of(NodeId.of(s.get("assigned").asText())) : Optional.empty();
            TreeSet<NodeId> mayBeActive = nodeSet(s.path("mayBeActive"));
            long generation = s.path("generation").asLong();
            lastGeneration = Math.max(lastGeneration, generation);
            states.put(GroupId.of(e.getKey()), new GroupState(assigned, generation, mayBeActive, s.path("started").asBoolean(false),
                    nodeSet(s.path("instances")), new TreeMap<>(), Optional.empty(), nodeSet(s.path("startedOn"))));
        }
        TreeMap<GroupId, NodeId> moves = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("moves").fields(); it.hasNext(); ) {
            var e = it.next();
            moves.put(GroupId.of(e.getKey()), NodeId.of(e.getValue().asText()));
        }
        List<FailureRecord> failures = new ArrayList<>();
        for (JsonNode f : root.path("failures")) {
            only(f, "failures[]", "resource", "node", "ago", "detail");
            failures.add(new FailureRecord(ResourceId.of(f.path("resource").asText()), NodeId.of(f.path("node").asText()),
                    now - Durations.parse(f.path("ago").asText()).toMillis(), f.path("detail").asText("")));
        }
        ClusterState state = new ClusterState(1, lastGeneration, states, nodeSet(root.path("standby")), moves, failures);
        if (root.has("entries")) {
            List<Command> entry = new ArrayList<>();
            for (JsonNode c : root.get("entries")) entry.add(Codec.json().treeToValue(c, Command.class));
            state = state.apply(entry);
        }
        return SchedulerInput.of(config, state, nodeSet(root.path("online")), nodeSet(root.path("lost")), now);
    }

    private static void only(JsonNode node, String where, String... allowed) {
        Set<String> ok = Set.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!ok.contains(k)) throw new IllegalArgumentException(where + ": unknown key '" + k + "'; allowed: " + ok);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode x : array) out.add(x.asText());
        return out;
    }

    private static TreeSet<NodeId> nodeSet(JsonNode array) {
        TreeSet<NodeId> out = new TreeSet<>();
        for (JsonNode x : array) out.add(NodeId.of(x.asText()));
        return out;
    }

    // ---- output: canonical text -----------------------------------------------------------------------

    static String render(Plan plan) {
        StringBuilder b = new StringBuilder("# commands\n");
        if (plan.commands().isEmpty()) b.append("(none)\n");
        for (Command c : plan.commands()) b.append(text(c)).append('\n');
        b.append("# decisions\n");
        for (var e : plan.explanations().entrySet()) {
            Explanation x = e.getValue();
            b.append(e.getKey()).append(" -> ").append(x.target().map(NodeId::name).orElse("(none)"))
                    .append(": ").append(x.decision()).append('\n');
            for (String line : x.nodeReasons()) b.append("  ").append(line).append('\n');
        }
        return b.toString();
    }

    static String text(Command c) {
        return switch (c) {
            case Command.Assign a -> "assign " + a.group() + " " + a.node().map(NodeId::name).orElse("-") + " : " + a.reason();
            case Command.SetInstances i -> "instances " + i.group() + " " + i.nodes();
            case Command.SetClones k -> "clones " + k.group() + " " + k.nodes();
            case Command.InstanceStarted k -> "instance-started " + k.group() + " " + k.node();
            case Command.InstanceReleased k -> "instance-released " + k.group() + " " + k.node();
            case Command.PromotionScore p -> "promotion-score " + p.group() + " " + p.node() + " " + p.score().map(String::valueOf).orElse("-");
            case Command.NotifyOpen o -> "notify-open " + o.group() + " " + (o.pre() ? "pre-" : "post-") + o.operation() + " by " + o.subject();
            case Command.NotifyDone d -> "notify-done " + d.group() + " " + d.subject() + " " + d.key() + " " + d.node();
            case Command.NotifyClose k -> "notify-close " + k.group() + " " + k.subject() + " " + k.key();
            case Command.Released r -> "released " + r.group() + " " + r.node() + " gen " + r.generation();
            case Command.Started s -> "started " + s.group() + " " + s.node() + " gen " + s.generation();
            case Command.NodeLost l -> "node-lost " + l.node();
            case Command.ResourceFailed f -> "resource-failed " + f.resource() + " " + f.node() + " at " + f.atEpochMs() + " : " + f.detail();
            case Command.SetStandby s -> "standby " + s.node() + " " + (s.standby() ? "on" : "off");
            case Command.Move m -> "move " + m.group() + " " + m.node().map(NodeId::name).orElse("-")
                    + m.untilEpochMs().map(t -> " until " + t).orElse("");
            case Command.SetDisabled d -> (d.disabled() ? "disable " : "enable ") + d.group();
            case Command.SetManaged m -> (m.managed() ? "manage " : "unmanage ") + m.group();
            case Command.Restart r -> "restart " + r.group() + " " + r.backOn().map(NodeId::name).orElse("done");
            case Command.SetNodeMaintenance m -> "node-maintenance " + m.node() + " " + (m.on() ? "on" : "off");
            case Command.Cleanup k -> "cleanup " + k.resource() + " " + k.node().map(NodeId::name).orElse("*");
            case Command.Connectivity k -> "connectivity " + k.node() + " " + k.reachable();
            case Command.Fenced f -> "fenced " + f.node() + " by " + f.by() + (f.ok() ? " ok" : " FAILED") + " : " + f.summary();
            case Command.SetConfig k -> "config on version " + k.baseVersion() + " sha " + k.sha256();
            case Command.FoundActive f -> "found-active " + f.group() + " " + f.node() + " gen " + f.generation();
            case Command.AppCommand a -> "app " + a;
            case Command.Journal j -> "journal " + j.by() + " " + j.notes();
            case Command.SetMaintenance m -> "maintenance " + (m.on() ? "on" : "off");
        };
    }
}
