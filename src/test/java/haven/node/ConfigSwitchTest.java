package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.ResourceConfig;
import haven.config.live.ConfigDiff;
import haven.config.live.ReloadRules;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.core.AgentResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A committed config change on n2, which runs group web (vip, site): what must stop stops first, under the
 * old config and in reverse order; only then does the core switch (UseConfig) and start or reload.
 */
class ConfigSwitchTest {
    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final NodeId N3 = NodeId.of("n3");
    static final List<NodeId> ALL = List.of(N1, N2, N3);
    static final GroupId WEB = GroupId.of("web");
    static final GroupId DB = GroupId.of("db");
    static final ResourceId VIP = ResourceId.of("vip");
    static final ResourceId SITE = ResourceId.of("site");
    static final ResourceId DATA = ResourceId.of("data");
    static final ClusterConfig OLD = TestClusters.oneGroup(3, "web", "n1", "vip", "site");
    static final long EPOCH = 1_700_000_000_000L;

    final NodeCore core = new NodeCore(OLD, N2);
    long now = 0;
    final Map<ResourceId, Effect.RunOp> open = new TreeMap<>();
    final List<Effect.Propose> proposals = new ArrayList<>();

    static ClusterState state(long version, Map<GroupId, NodeId> placed) {
        TreeMap<GroupId, GroupState> groups = new TreeMap<>();
        long gen = 0;
        for (var e : placed.entrySet()) groups.put(e.getKey(), new GroupState(Optional.of(e.getValue()), ++gen, new TreeSet<>(Set.of(e.getValue())), false));
        return new ClusterState(version, gen, groups, new TreeSet<>(), new TreeMap<>(), List.of());
    }

    List<Effect> step(NodeEvent... events) {
        List<NodeEvent> all = new ArrayList<>(List.of(new NodeEvent.Beat(N1, "v1", ALL, 1, now), new NodeEvent.Beat(N3, "v1", ALL, 1, now)));
        all.addAll(List.of(events));
        List<Effect> out = core.stepAll(all, now, EPOCH + now);
        for (Effect e : out) {
            if (e instanceof Effect.RunOp op) {
                assertThat(open).as("one operation per resource at a time").doesNotContainKey(op.resource());
                open.put(op.resource(), op);
            }
            if (e instanceof Effect.Propose p) proposals.add(p);
        }
        return out;
    }

    /** The cluster log commits every open proposal (the state it produces comes separately). */
    void commitProposals() {
        List<NodeEvent> done = new ArrayList<>();
        for (Effect.Propose p : proposals) done.add(new NodeEvent.ProposalDone(p.proposalId(), true, ""));
        proposals.clear();
        step(done.toArray(NodeEvent[]::new));
    }

    List<Effect> answer(ResourceId r, AgentResult result) {
        Effect.RunOp op = open.remove(r);
        assertThat(op).as("no operation open on " + r).isNotNull();
        return step(new NodeEvent.OpDone(r, op.op(), op.opId(), result));
    }

    static List<String> ops(List<Effect> effects) {
        return effects.stream().map(e -> switch (e) {
            case Effect.RunOp op -> op.op() + " " + op.resource();
            case Effect.UseConfig u -> "USE CONFIG";
            default -> "";
        }).filter(s -> !s.isEmpty()).toList();
    }

    void startWebHere() {
        step(new NodeEvent.ViewChanged("v1", ALL, now), new NodeEvent.LeaderChanged(Optional.of(N1), false),
                new NodeEvent.StateChanged(state(1, Map.of(WEB, N2))));
        answer(VIP, AgentResult.notRunning());
        answer(SITE, AgentResult.notRunning());
        answer(VIP, AgentResult.ok());
        answer(SITE, AgentResult.ok());
        assertThat(core.status().local()).containsEntry(VIP, LocalState.STARTED).containsEntry(SITE, LocalState.STARTED);
    }

    static ClusterConfig withResources(ClusterConfig c, List<ResourceConfig> resources, List<GroupConfig> groups) {
        return new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(), resources, groups,
                c.quorum(), c.fencing(), c.api(), c.alerts());
    }

    static ResourceConfig withParam(ResourceConfig r, String name, String value) {
        Map<String, String> p = new TreeMap<>(r.params());
        p.put(name, value);
        return new ResourceConfig(r.id(), r.type(), p, r.startTimeout(), r.stopTimeout(), r.monitorInterval(), r.monitorTimeout());
    }

    NodeEvent.ConfigChanged change(ClusterConfig next, ReloadRules rules) {
        return new NodeEvent.ConfigChanged(2, next, ConfigDiff.between(OLD, next, rules));
    }

    @Test
    void aRestartStopsInReverseUnderTheOldConfigThenSwitchesAndStartsInOrder() {
        startWebHere();
        ResourceConfig vip = withParam(OLD.resource(VIP).orElseThrow(), "address", "10.0.0.102/24");
        ClusterConfig next = withResources(OLD, List.of(vip, OLD.resource(SITE).orElseThrow()), OLD.groups());
        assertThat(ops(step(change(next, ReloadRules.NEVER)))).containsExactly("STOP site");
        assertThat(ops(answer(SITE, AgentResult.ok()))).containsExactly("STOP vip");
        assertThat(ops(answer(VIP, AgentResult.ok()))).as("switch first, then the group starts again in order")
                .containsExactly("USE CONFIG", "START vip");
        assertThat(ops(answer(VIP, AgentResult.ok()))).containsExactly("START site");
    }

    @Test
    void aReloadableChangeReloadsWithoutAStop() {
        startWebHere();
        ResourceConfig site = withParam(OLD.resource(SITE).orElseThrow(), "options", "-g 'worker_processes 2;'");
        ClusterConfig next = withResources(OLD, List.of(OLD.resource(VIP).orElseThrow(), site), OLD.groups());
        List<Effect> out = step(change(next, (r, changed) -> r.id().equals(SITE)));
        assertThat(ops(out)).containsExactly("USE CONFIG", "RELOAD site");
        assertThat(ops(answer(SITE, AgentResult.ok()))).isEmpty();
        assertThat(core.status().local()).containsEntry(SITE, LocalState.STARTED);
        assertThat(core.status().config()).isSameAs(next);
    }

    @Test
    void aFailedReloadIsAFailureAndTheResourceIsRestarted() {
        startWebHere();
        ResourceConfig site = withParam(OLD.resource(SITE).orElseThrow(), "options", "x");
        ClusterConfig next = withResources(OLD, List.of(OLD.resource(VIP).orElseThrow(), site), OLD.groups());
        step(change(next, (r, changed) -> true));
        commitProposals();
        step(new NodeEvent.StateChanged(state(2, Map.of(WEB, N2))));
        List<Effect> out = answer(SITE, AgentResult.failed("reload refused"));
        assertThat(ops(out)).containsExactly("STOP site");
        assertThat(proposals.stream().flatMap(p -> p.entry().stream()))
                .anyMatch(c -> c instanceof Command.ResourceFailed f && f.detail().contains("reload"));
    }

    @Test
    void aNewGroupIsProbedOnceTheConfigIsTaken() {
        startWebHere();
        ResourceConfig data = withParam(OLD.resource(VIP).orElseThrow(), "x", "y");
        data = new ResourceConfig(DATA, data.type(), data.params(), data.startTimeout(), data.stopTimeout(), data.monitorInterval(),
                data.monitorTimeout());
        List<ResourceConfig> rs = new ArrayList<>(OLD.resources());
        rs.add(data);
        List<GroupConfig> gs = new ArrayList<>(OLD.groups());
        gs.add(new GroupConfig(DB, List.of(DATA), Optional.empty()));
        ClusterConfig next = withResources(OLD, rs, gs);
        assertThat(ops(step(change(next, ReloadRules.NEVER)))).containsExactly("USE CONFIG", "MONITOR data");
        assertThat(core.status().local()).containsEntry(VIP, LocalState.STARTED).containsEntry(SITE, LocalState.STARTED);
    }

    @Test
    void aRemovedGroupIsStoppedThenForgottenAndReleasedOnceTakenOff() {
        startWebHere();
        ClusterConfig next = withResources(OLD, List.of(), List.of());
        assertThat(ops(step(change(next, ReloadRules.NEVER)))).containsExactly("STOP site");
        assertThat(ops(answer(SITE, AgentResult.ok()))).containsExactly("STOP vip");
        assertThat(ops(answer(VIP, AgentResult.ok()))).containsExactly("USE CONFIG");
        assertThat(core.status().local()).isEmpty();
        TreeMap<GroupId, GroupState> off = new TreeMap<>();
        off.put(WEB, new GroupState(Optional.empty(), 1, new TreeSet<>(Set.of(N2)), false));
        commitProposals();
        step(new NodeEvent.StateChanged(new ClusterState(3, 1, off, new TreeSet<>(), new TreeMap<>(), List.of())));
        assertThat(proposals.stream().flatMap(p -> p.entry().stream())).contains(new Command.Released(WEB, N2, 1));
    }

    @Test
    void whileAChangeStopsItsResourcesTheReconcilerDoesNotStartThemAgain() {
        startWebHere();
        ResourceConfig site = withParam(OLD.resource(SITE).orElseThrow(), "command", "other");
        ClusterConfig next = withResources(OLD, List.of(OLD.resource(VIP).orElseThrow(), site), OLD.groups());
        assertThat(ops(step(change(next, ReloadRules.NEVER)))).containsExactly("STOP site");
        // Before the stop answers, a tick: nothing else happens to the group.
        now += 100;
        assertThat(ops(step(new NodeEvent.Tick()))).isEmpty();
        assertThat(ops(answer(SITE, AgentResult.ok()))).containsExactly("USE CONFIG", "START site");
    }
}
