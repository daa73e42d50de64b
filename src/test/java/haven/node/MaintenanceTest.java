package haven.node;

import static haven.node.NodeCoreTest.ALL;
import static haven.node.NodeCoreTest.CONFIG;
import static haven.node.NodeCoreTest.N1;
import static haven.node.NodeCoreTest.N2;
import static haven.node.NodeCoreTest.N3;
import static haven.node.NodeCoreTest.SITE;
import static haven.node.NodeCoreTest.VIP;
import static haven.node.NodeCoreTest.WEB;
import static haven.node.NodeCoreTest.ops;
import static haven.node.NodeCoreTest.webOn;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.JournalNote;
import haven.core.NodeId;
import haven.core.AgentResult;
import haven.scheduler.Plan;
import haven.scheduler.Scheduler;
import haven.scheduler.SchedulerInput;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Maintenance mode in {@link NodeCore} and the scheduler, seen from n2 running web (the harness of
 * {@link NodeCoreTest}), and the coordinator's journal notes seen from n1 leading.
 */
class MaintenanceTest {
    final NodeCoreTest n2 = new NodeCoreTest();

    static ClusterState maintenance(ClusterState s, boolean on) {
        return s.apply(List.of(new Command.SetMaintenance(on, on ? "upgrading nginx" : "", NodeCoreTest.EPOCH)));
    }

    @Test
    void inMaintenanceAServiceThatDiesIsNotRecoveredNorCountedAndLeavingMaintenanceStartsItAgain() {
        n2.startWebHere(4);
        ClusterState on = maintenance(webOn(N2, 1, 4), true);
        n2.step(new NodeEvent.StateChanged(on));
        List<String> asked = new java.util.ArrayList<>();
        for (int i = 0; i < 25; i++) { // past the monitor interval, with the lease held
            n2.now += 100;
            asked.addAll(ops(n2.step(n2.beats(on.version()))));
        }
        assertThat(asked).as("monitors still run").containsExactlyInAnyOrder("MONITOR vip", "MONITOR site");
        List<Effect> out;
        n2.answer(VIP, AgentResult.ok(), on.version());
        out = n2.answer(SITE, AgentResult.notRunning(), on.version());
        assertThat(ops(out)).as("no stop, no start: hands off").isEmpty();
        assertThat(out).anySatisfy(e -> assertThat(e.toString()).contains("maintenance mode: site is stopped"));
        for (int i = 0; i < 30; i++) {
            n2.now += 100;
            assertThat(ops(n2.step(n2.beats(on.version())))).doesNotContain("START site", "STOP vip", "MONITOR site");
            if (n2.open.containsKey(VIP)) n2.answer(VIP, AgentResult.ok(), on.version());
        }
        assertThat(n2.proposed()).as("nothing that counts toward a ban").noneMatch(c -> c instanceof Command.ResourceFailed);
        assertThat(n2.core.status().local()).containsEntry(SITE, LocalState.STOPPED).containsEntry(VIP, LocalState.STARTED);

        ClusterState off = maintenance(on, false);
        List<haven.node.NodeEvent> events = new java.util.ArrayList<>(List.of(n2.beats(off.version())));
        events.add(new NodeEvent.StateChanged(off));
        out = n2.step(events.toArray(NodeEvent[]::new));
        assertThat(ops(out)).as("leaving maintenance probes everything again").containsExactly("MONITOR vip", "MONITOR site");
        n2.answer(VIP, AgentResult.ok(), off.version());
        assertThat(ops(n2.answer(SITE, AgentResult.notRunning(), off.version()))).containsExactly("START site");
    }

    /** An unmanaged group, or this node in maintenance: a dying service is seen, not recovered; handing back probes and starts it. */
    private void leftAloneThenHandedBack(Command handsOff, Command handBack, String said) {
        n2.startWebHere(4);
        ClusterState off = webOn(N2, 1, 4).apply(List.of(handsOff));
        n2.step(new NodeEvent.StateChanged(off));
        for (int i = 0; i < 25 && !n2.open.containsKey(SITE); i++) {
            n2.now += 100;
            n2.step(n2.beats(off.version()));
        }
        if (n2.open.containsKey(VIP)) n2.answer(VIP, AgentResult.ok(), off.version());
        List<Effect> out = n2.answer(SITE, AgentResult.notRunning(), off.version());
        assertThat(ops(out)).as("no stop, no start: hands off").isEmpty();
        assertThat(out).anySatisfy(e -> assertThat(e.toString()).contains(said + ": site is stopped"));
        for (int i = 0; i < 30; i++) {
            n2.now += 100;
            assertThat(ops(n2.step(n2.beats(off.version())))).doesNotContain("START site", "STOP vip");
            if (n2.open.containsKey(VIP)) n2.answer(VIP, AgentResult.ok(), off.version());
        }
        assertThat(n2.proposed()).as("nothing that counts toward a ban").noneMatch(c -> c instanceof Command.ResourceFailed);

        ClusterState back = off.apply(List.of(handBack));
        List<NodeEvent> events = new java.util.ArrayList<>(List.of(n2.beats(back.version())));
        events.add(new NodeEvent.StateChanged(back));
        List<Effect> probed = n2.step(events.toArray(NodeEvent[]::new));
        assertThat(ops(probed)).as("handing back probes the group again").contains("MONITOR site");
        if (n2.open.containsKey(VIP)) n2.answer(VIP, AgentResult.ok(), back.version());
        assertThat(ops(n2.answer(SITE, AgentResult.notRunning(), back.version()))).containsExactly("START site");
    }

    @Test
    void anUnmanagedGroupIsMonitoredOnlyAndManagingItAgainStartsWhatDied() {
        leftAloneThenHandedBack(new Command.SetManaged(WEB, false), new Command.SetManaged(WEB, true), "unmanaged");
    }

    @Test
    void aNodeInMaintenanceLeavesItsResourcesAloneAndLeavingItStartsWhatDied() {
        leftAloneThenHandedBack(new Command.SetNodeMaintenance(N2, true), new Command.SetNodeMaintenance(N2, false), "node maintenance");
    }

    @Test
    void anotherNodesMaintenanceChangesNothingHere() {
        n2.startWebHere(4);
        ClusterState other = webOn(N2, 1, 4).apply(List.of(new Command.SetNodeMaintenance(N3, true)));
        n2.step(new NodeEvent.StateChanged(other));
        for (int i = 0; i < 25 && !n2.open.containsKey(SITE); i++) {
            n2.now += 100;
            n2.step(n2.beats(other.version()));
        }
        if (n2.open.containsKey(VIP)) n2.answer(VIP, AgentResult.ok(), other.version());
        List<Effect> out = n2.answer(SITE, AgentResult.notRunning(), other.version());
        assertThat(out).anySatisfy(e -> assertThat(e.toString()).contains("resource site failed"));
        assertThat(ops(out)).as("recovered here as usual").contains("STOP site");
    }

    @Test
    void inMaintenanceANodeThatLosesItsLeaseStillStopsEverything() {
        n2.startWebHere(4);
        ClusterState on = maintenance(webOn(N2, 1, 4), true);
        n2.step(new NodeEvent.StateChanged(on));
        List<Effect> out = List.of();
        for (int i = 0; i < 50 && ops(out).isEmpty(); i++) {
            n2.now += 20;
            out = n2.step(new NodeEvent.Tick());
        }
        assertThat(ops(out)).as("never running twice outranks hands off").containsExactly("STOP site");
    }

    @Test
    void theSchedulerPlansNothingInMaintenanceNotEvenALostNodesGroups() {
        ClusterState on = maintenance(webOn(N1, 1, 4), true);
        Plan p = Scheduler.plan(SchedulerInput.of(CONFIG, on, Set.of(N2, N3), Set.of(N1), NodeCoreTest.EPOCH));
        assertThat(p.commands()).isEmpty();
        assertThat(p.explanations().get(WEB).decision()).isEqualTo("stays on n1: maintenance mode (upgrading nginx): placement"
                + " frozen, nothing is started, stopped or recovered");
        Plan normal = Scheduler.plan(SchedulerInput.of(CONFIG, maintenance(on, false), Set.of(N2, N3), Set.of(N1), NodeCoreTest.EPOCH));
        assertThat(normal.commands()).contains(new Command.NodeLost(N1));
    }

    /** n1 as coordinator; every proposal commits at once and comes back as the next state. */
    static final class Leader {
        final NodeCore core = new NodeCore(CONFIG, N1);
        ClusterState state = ClusterState.EMPTY;
        long now = 0;

        List<Effect> step(List<NodeId> view, NodeEvent... extra) {
            List<NodeEvent> events = new java.util.ArrayList<>(List.of(extra));
            for (NodeId n : view) if (!n.equals(N1)) events.add(new NodeEvent.Beat(n, "v" + view.size(), view, state.version(), now));
            events.add(new NodeEvent.StateChanged(state));
            List<Effect> all = new java.util.ArrayList<>();
            List<Effect> out = core.stepAll(events, now, 1000 + now);
            while (!out.isEmpty()) {
                all.addAll(out);
                List<Effect> next = List.of();
                for (Effect e : out) {
                    if (e instanceof Effect.Propose p) {
                        state = state.apply(p.entry());
                        next = core.stepAll(List.of(new NodeEvent.ProposalDone(p.proposalId(), true, ""), new NodeEvent.StateChanged(state)),
                                now, 1000 + now);
                    }
                }
                out = next.stream().anyMatch(e -> e instanceof Effect.Propose) ? next : List.of();
                if (out.isEmpty()) all.addAll(next);
            }
            now += 50;
            return all;
        }
    }

    @Test
    void theCoordinatorNotesItsElectionAndEachViewChangeOnceButNotHeartbeats() {
        Leader n1 = new Leader();
        List<Effect> out = n1.step(ALL, new NodeEvent.ViewChanged("v3", ALL, 0), new NodeEvent.LeaderChanged(Optional.of(N1), true));
        assertThat(notes(out)).containsExactly(
                new JournalNote(1000, "coordinator", "n1 is coordinator", List.of(N1)),
                new JournalNote(1000, "membership", "members [n1, n2, n3]", List.of()));
        for (int i = 0; i < 10; i++) {
            assertThat(notes(n1.step(ALL))).as("heartbeats and plans make no notes").isEmpty();
        }
        List<NodeId> two = List.of(N1, N2);
        long at = 1000 + n1.now;
        List<JournalNote> noted = new java.util.ArrayList<>(notes(n1.step(two, new NodeEvent.ViewChanged("v2", two, n1.now))));
        for (int i = 0; i < 10; i++) {
            noted.addAll(notes(n1.step(two)));
        }
        assertThat(noted).hasSize(1);
        assertThat(noted.get(0).text()).isEqualTo("[n3] left; members [n1, n2]");
        assertThat(noted.get(0).nodes()).containsExactly(N3);
        assertThat(noted.get(0).atEpochMs()).isBetween(at, at + 500);
    }

    private static List<JournalNote> notes(List<Effect> out) {
        return out.stream().filter(e -> e instanceof Effect.Propose).flatMap(e -> ((Effect.Propose) e).entry().stream())
                .filter(c -> c instanceof Command.Journal).flatMap(c -> ((Command.Journal) c).notes().stream()).toList();
    }
}
