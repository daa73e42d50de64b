package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.core.AgentResult;
import haven.core.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Rules of {@link NodeCore} seen from one follower, n2, of a 3-node cluster whose coordinator is n1. The
 * test plays the rest of the cluster: views, beats, committed states and agent results.
 */
class NodeCoreTest {
    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final NodeId N3 = NodeId.of("n3");
    static final List<NodeId> ALL = List.of(N1, N2, N3);
    static final GroupId WEB = GroupId.of("web");
    static final ResourceId VIP = ResourceId.of("vip");
    static final ResourceId SITE = ResourceId.of("site");
    static final ClusterConfig CONFIG = TestClusters.oneGroup(3, "web", "n1", "vip", "site");
    static final long EPOCH = 1_700_000_000_000L;

    final NodeCore core = new NodeCore(CONFIG, N2);
    long now = 0;
    /** Every operation asked for and not yet answered, by resource. */
    final Map<ResourceId, Effect.RunOp> open = new TreeMap<>();
    final List<Effect.Propose> proposals = new ArrayList<>();

    static ClusterState webOn(NodeId node, long generation, long version) {
        TreeMap<GroupId, GroupState> groups = new TreeMap<>();
        groups.put(WEB, new GroupState(Optional.of(node), generation, new TreeSet<>(Set.of(node)), false));
        return new ClusterState(version, generation, groups, new TreeSet<>(), new TreeMap<>(), List.of());
    }

    static ClusterState webTakenOffFrom(NodeId node, long generation, long version) {
        TreeMap<GroupId, GroupState> groups = new TreeMap<>();
        groups.put(WEB, new GroupState(Optional.empty(), generation, new TreeSet<>(Set.of(node)), false));
        return new ClusterState(version, generation, groups, new TreeSet<>(), new TreeMap<>(), List.of());
    }

    List<Effect> step(NodeEvent... events) {
        List<Effect> out = core.stepAll(List.of(events), now, EPOCH + now);
        for (Effect e : out) {
            if (e instanceof Effect.RunOp op) {
                assertThat(open).as("one operation per resource at a time").doesNotContainKey(op.resource());
                open.put(op.resource(), op);
            }
            if (e instanceof Effect.Propose p) proposals.add(p);
        }
        return out;
    }

    /** Beats from both peers; the coordinator announces {@code coordinatorVersion}. */
    NodeEvent[] beats(long coordinatorVersion) {
        return new NodeEvent[] {
            new NodeEvent.Beat(N1, "v1", ALL, coordinatorVersion, now), new NodeEvent.Beat(N3, "v1", ALL, coordinatorVersion, now)
        };
    }

    /** n2 joins a view of all three, hears both peers, learns n1 leads, and receives {@code state}. */
    List<Effect> join(ClusterState state, long coordinatorVersion) {
        List<NodeEvent> events = new ArrayList<>();
        events.add(new NodeEvent.ViewChanged("v1", ALL, now));
        events.addAll(List.of(beats(coordinatorVersion)));
        events.add(new NodeEvent.LeaderChanged(Optional.of(N1), false));
        events.add(new NodeEvent.StateChanged(state));
        return step(events.toArray(NodeEvent[]::new));
    }

    /** Answers the open operation of {@code r}, with fresh beats so the lease holds. */
    List<Effect> answer(ResourceId r, AgentResult result, long coordinatorVersion) {
        Effect.RunOp op = open.remove(r);
        assertThat(op).as("no operation open on " + r).isNotNull();
        List<NodeEvent> events = new ArrayList<>(List.of(beats(coordinatorVersion)));
        events.add(new NodeEvent.OpDone(r, op.op(), op.opId(), result));
        return step(events.toArray(NodeEvent[]::new));
    }

    static List<String> ops(List<Effect> effects) {
        return effects.stream().filter(e -> e instanceof Effect.RunOp).map(e -> (Effect.RunOp) e)
                .map(op -> op.op() + " " + op.resource()).toList();
    }

    List<Command> proposed() {
        return proposals.stream().flatMap(p -> p.entry().stream()).toList();
    }

    /** Joins with web on n2 at generation 1, probes find nothing running, and both members start. */
    void startWebHere(long version) {
        assertThat(ops(join(webOn(N2, 1, version), version))).containsExactly("MONITOR vip", "MONITOR site");
        answer(VIP, AgentResult.notRunning(), version);
        assertThat(ops(answer(SITE, AgentResult.notRunning(), version))).containsExactly("START vip");
        assertThat(ops(answer(VIP, AgentResult.ok(), version))).containsExactly("START site");
        answer(SITE, AgentResult.ok(), version);
    }

    @Test
    void aFollowerPlansAgainWhenAnInputChangesOrAfterTenSecondsAndANewCoordinatorAtOnce() {
        startWebHere(1);
        now += 5_000; // past the cold start's hold of first placements, an input of the plan
        step(beats(1));
        var planned = core.status().explanations();
        now += 2_000;
        step(beats(1));
        assertThat(core.status().explanations()).as("nothing changed in 2 s: the same plan").isSameAs(planned);
        now += 8_500;
        step(beats(1));
        var tenSecondsOn = core.status().explanations();
        assertThat(tenSecondsOn).as("planned again after 10 s").isNotSameAs(planned);
        now += 100;
        List<NodeEvent> elected = new ArrayList<>(List.of(beats(1)));
        elected.add(new NodeEvent.LeaderChanged(Optional.of(N2), true));
        step(elected.toArray(NodeEvent[]::new));
        assertThat(core.status().explanations()).as("a new coordinator plans afresh").isNotSameAs(tenSecondsOn);
        var asCoordinator = core.status().explanations();
        now += 1_000;
        step(beats(1));
        assertThat(core.status().explanations()).as("the coordinator plans every second").isNotSameAs(asCoordinator);
    }

    @Test
    void nodeBehindTheCoordinatorsVersionStartsNothingUntilItCatchesUp() {
        assertThat(ops(join(webOn(N2, 1, 5), 7))).containsExactly("MONITOR vip", "MONITOR site");
        answer(VIP, AgentResult.notRunning(), 7);
        assertThat(ops(answer(SITE, AgentResult.notRunning(), 7))).as("state 5 < announced 7").isEmpty();
        now += 50;
        assertThat(ops(step(beats(7)))).isEmpty();
        List<NodeEvent> caughtUp = new ArrayList<>(List.of(beats(7)));
        caughtUp.add(new NodeEvent.StateChanged(webOn(N2, 1, 7)));
        assertThat(ops(step(caughtUp.toArray(NodeEvent[]::new)))).containsExactly("START vip");
    }

    @Test
    void nodeBehindTheCoordinatorsVersionKeepsWhatAlreadyRuns() {
        join(webOn(N2, 1, 5), 7);
        answer(VIP, AgentResult.ok(), 7);
        List<Effect> out = answer(SITE, AgentResult.ok(), 7);
        assertThat(ops(out)).as("no stop of a group its (old) state says runs here").isEmpty();
        assertThat(core.status().local()).containsEntry(VIP, LocalState.STARTED).containsEntry(SITE, LocalState.STARTED);
        assertThat(proposed()).as("not reported started from a state it is not sure of").isEmpty();
    }

    @Test
    void withoutACoordinatorNothingStarts() {
        step(new NodeEvent.ViewChanged("v1", ALL, now), beats(3)[0], beats(3)[1], new NodeEvent.StateChanged(webOn(N2, 1, 3)));
        answer(VIP, AgentResult.notRunning(), 3);
        assertThat(ops(answer(SITE, AgentResult.notRunning(), 3))).isEmpty();
    }

    @Test
    void withoutAQuorumLeaseNothingStartsAndWhatRunsIsStoppedInReverseOrder() {
        startWebHere(4);
        // Ticks go on but no beats come: the lease runs out (a loop that stood still would rather probe again).
        List<Effect> out = List.of();
        for (int i = 0; i < 50 && ops(out).isEmpty(); i++) {
            now += 20;
            out = step(new NodeEvent.Tick());
        }
        assertThat(ops(out)).containsExactly("STOP site");
        assertThat(out).anySatisfy(e -> assertThat(e).isEqualTo(new Effect.Note("quorum lease lost: stopping every resource here")));
        open.remove(SITE);
        // A result under an op id never issued must not count as this stop's end, or vip would be stopped
        // next while site may still run.
        step(new NodeEvent.OpDone(SITE, Operation.STOP, 0, AgentResult.ok()));
        assertThat(open).isEmpty();
        assertThat(core.status().local()).containsEntry(SITE, LocalState.STARTED);
    }

    @Test
    void startedIsReportedOncePerGeneration() {
        startWebHere(4);
        assertThat(proposed()).containsExactly(new Command.Started(WEB, N2, 1));
        step(new NodeEvent.ProposalDone(proposals.get(0).proposalId(), true, ""));
        for (int i = 0; i < 5; i++) {
            now += 100;
            List<NodeEvent> events = new ArrayList<>(List.of(beats(5)));
            events.add(new NodeEvent.StateChanged(webOn(N2, 1, 5 + i)));
            step(events.toArray(NodeEvent[]::new));
        }
        assertThat(proposed()).hasSize(1);
        List<NodeEvent> regenerated = new ArrayList<>(List.of(beats(10)));
        regenerated.add(new NodeEvent.StateChanged(webOn(N2, 2, 10)));
        step(regenerated.toArray(NodeEvent[]::new));
        assertThat(proposed()).containsExactly(new Command.Started(WEB, N2, 1), new Command.Started(WEB, N2, 2));
    }

    @Test
    void failedProposalIsDerivedAgainAndRetriedAfterTheRetryTime() {
        startWebHere(4);
        assertThat(proposals).hasSize(1);
        step(new NodeEvent.ProposalDone(proposals.get(0).proposalId(), false, "not leader"));
        now += Outbox.RETRY_MS - 1;
        step(beats(4));
        assertThat(proposals).as("waits the retry time").hasSize(1);
        now += 1;
        step(beats(4));
        assertThat(proposals).hasSize(2);
        assertThat(proposals.get(1).entry()).containsExactly(new Command.Started(WEB, N2, 1));
    }

    @Test
    void aStopThatFailsIsForcedOffAndTheGroupGoesOnStopping() {
        startWebHere(4);
        step(new NodeEvent.ProposalDone(proposals.get(0).proposalId(), true, ""));
        List<NodeEvent> takenOff = new ArrayList<>(List.of(beats(5)));
        takenOff.add(new NodeEvent.StateChanged(webTakenOffFrom(N2, 1, 5)));
        assertThat(ops(step(takenOff.toArray(NodeEvent[]::new)))).containsExactly("STOP site");
        List<Effect> out = answer(SITE, AgentResult.timeout("no answer in 20s"), 5);
        assertThat(out).contains(new Effect.ForceOff(SITE));
        assertThat(ops(step(new NodeEvent.ForcedOff(SITE, true, "process group 42 killed")))).containsExactly("STOP vip");
        assertThat(proposed()).filteredOn(c -> c instanceof Command.ResourceFailed)
                .singleElement().satisfies(c -> assertThat(((Command.ResourceFailed) c).detail()).startsWith("stop failed, forced off"));
    }

    @Test
    void stopFailureThatCannotBeForcedIsReportedAndTheGroupIsNeverReleased() {
        startWebHere(4);
        step(new NodeEvent.ProposalDone(proposals.get(0).proposalId(), true, ""));
        List<NodeEvent> takenOff = new ArrayList<>(List.of(beats(5)));
        takenOff.add(new NodeEvent.StateChanged(webTakenOffFrom(N2, 1, 5)));
        assertThat(ops(step(takenOff.toArray(NodeEvent[]::new)))).containsExactly("STOP site");
        List<Effect> out = answer(SITE, AgentResult.timeout("no answer in 20s"), 5);
        assertThat(ops(out)).as("vip is not stopped either: site may still be using it").isEmpty();
        out = step(new NodeEvent.ForcedOff(SITE, false, "process group 42 STILL HAS MEMBERS after SIGKILL"));
        assertThat(ops(out)).isEmpty();
        assertThat(core.status().local()).containsEntry(SITE, LocalState.STOP_FAILED);
        for (int i = 0; i < 10; i++) {
            now += 100;
            List<NodeEvent> events = new ArrayList<>(List.of(beats(6 + i)));
            events.add(new NodeEvent.StateChanged(webTakenOffFrom(N2, 1, 6 + i)));
            proposals.stream().reduce((a, b) -> b).ifPresent(p -> events.add(new NodeEvent.ProposalDone(p.proposalId(), true, "")));
            step(events.toArray(NodeEvent[]::new));
        }
        // Until the log shows it, the same report is made again (here the test's states never include it).
        assertThat(proposed().stream().filter(c -> c instanceof Command.ResourceFailed).distinct().toList()).singleElement()
                .satisfies(c -> assertThat(((Command.ResourceFailed) c).detail()).contains("forcing off failed"));
        assertThat(proposed()).noneMatch(c -> c instanceof Command.Released);
    }

    @Test
    void groupTakenOffIsStoppedInReverseOrderAndReleasedOnce() {
        startWebHere(4);
        step(new NodeEvent.ProposalDone(proposals.get(0).proposalId(), true, ""));
        List<NodeEvent> takenOff = new ArrayList<>(List.of(beats(5)));
        takenOff.add(new NodeEvent.StateChanged(webTakenOffFrom(N2, 1, 5)));
        assertThat(ops(step(takenOff.toArray(NodeEvent[]::new)))).containsExactly("STOP site");
        assertThat(ops(answer(SITE, AgentResult.ok(), 5))).containsExactly("STOP vip");
        answer(VIP, AgentResult.notRunning(), 5);
        step(new NodeEvent.ProposalDone(proposals.get(proposals.size() - 1).proposalId(), true, ""),
                new NodeEvent.StateChanged(webTakenOffFrom(N2, 1, 6)));
        step(beats(6));
        assertThat(proposed()).containsExactly(new Command.Started(WEB, N2, 1), new Command.Released(WEB, N2, 1));
    }

    @Test
    void aNodeThatStoodStillLongerThanItsLeaseProbesInsteadOfCountingFailures() {
        startWebHere(4);
        now += 1500; // SIGSTOP: no step at all
        List<Effect> out = step(new NodeEvent.AgentFailed(SITE, "process exited unexpectedly with signal 9"));
        assertThat(out).anySatisfy(e -> assertThat(String.valueOf(e)).contains("stood still for 1500 ms"));
        assertThat(ops(out)).as("the guard's work is probed, not counted as failures").containsExactly("MONITOR vip", "MONITOR site");
        assertThat(proposed()).noneMatch(c -> c instanceof Command.ResourceFailed);
    }

    @Test
    void aSlowLoopWhoseReceiversKeptHearingBeatsKeepsItsLease() {
        startWebHere(4);
        long before = now;
        now += 1500; // the loop stood still, but beats kept arriving, stamped as they came in
        List<NodeEvent> events = new ArrayList<>();
        for (long t = before + 80; t < now; t += 80) {
            events.add(new NodeEvent.Beat(N1, "v1", ALL, 4, t));
            events.add(new NodeEvent.Beat(N3, "v1", ALL, 4, t));
        }
        List<Effect> out = step(events.toArray(NodeEvent[]::new));
        assertThat(out).noneSatisfy(e -> assertThat(String.valueOf(e)).contains("stood still"));
        assertThat(ops(out)).isEmpty();
        assertThat(core.status().local()).containsEntry(SITE, LocalState.STARTED);
    }

    @Test
    void aChangeInPingReachabilityIsReportedToTheLogOncePerValue() {
        join(webOn(N1, 1, 1), 1);
        step(new NodeEvent.Reachability(1));
        assertThat(proposed()).contains(new Command.Connectivity(N2, 1));
        int before = proposed().size();
        now += 300;
        step(beats(1));
        assertThat(proposed()).as("not again while the value is unchanged").hasSize(before);
    }

    @Test
    void theGuardIsArmedBeforeAStartAndLearnsADeadlineAtTheLeasesEnd() {
        join(webOn(N2, 1, 1), 1);
        answer(VIP, AgentResult.notRunning(), 1);
        List<Effect> out = answer(SITE, AgentResult.notRunning(), 1);
        int arm = out.indexOf(new Effect.Arm(VIP));
        int start = out.indexOf(open.get(VIP));
        assertThat(arm).as("armed").isGreaterThanOrEqualTo(0);
        assertThat(arm).as("armed before the start").isLessThan(start);
        now += 100;
        Effect.GuardDeadline deadline = step(beats(1)).stream()
                .filter(e -> e instanceof Effect.GuardDeadline).map(e -> (Effect.GuardDeadline) e).findFirst().orElseThrow();
        // fresh beats now: the lease runs 400 ms from here, and the guard's deadline adds two 100 ms margins (the
        // daemon gives the lease up half a margin early, so its own stop has two and a half)
        assertThat(deadline.atMs()).isEqualTo(now + 400 + 200);
    }

    @Test
    void aQuietLoopMaySleepUntilTheMomentTheLeaseWouldBeGivenUpAndNoLonger() {
        startWebHere(1);
        step(beats(1));
        long decideBy = core.decideByMs(now);
        long stopLead = CONFIG.timing().stopLead().toMillis();
        assertThat(decideBy).as("the lease's end, a stop's lead early").isEqualTo(now + CONFIG.timing().lease().toMillis() - stopLead + 1);
        now = decideBy - 1;
        assertThat(step(new NodeEvent.Tick())).noneMatch(e -> e instanceof Effect.Note n && n.text().startsWith("quorum lease lost"));
        now = decideBy;
        assertThat(step(new NodeEvent.Tick())).anyMatch(e -> e instanceof Effect.Note n && n.text().startsWith("quorum lease lost"));
        assertThat(core.decideByMs(now)).as("no lease: every beat may bring it back, so no sleeping").isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void aQuietLoopWakesForTheNextMonitorWhenItComesBeforeTheLeasesEnd() {
        startWebHere(1);
        // Beats every 80 ms keep the lease a few hundred ms ahead; the monitors fall due 2 s after the starts.
        long answeredAt = Long.MIN_VALUE;
        for (int i = 0; i < 40 && answeredAt == Long.MIN_VALUE; i++) {
            now += 80;
            if (ops(step(beats(1))).contains("MONITOR vip")) {
                answer(VIP, AgentResult.ok(), 1);
                answeredAt = now;
            }
        }
        assertThat(answeredAt).as("the vip monitor ran").isGreaterThan(Long.MIN_VALUE);
        while (now < answeredAt + TestClusters.MONITOR_INTERVAL.toMillis() - 100) {
            now += 80;
            if (ops(step(beats(1))).contains("MONITOR site")) answer(SITE, AgentResult.ok(), 1);
        }
        long leaseDecision = now + CONFIG.timing().lease().toMillis() - CONFIG.timing().stopLead().toMillis() + 1;
        assertThat(core.decideByMs(now)).as("the next vip monitor (or site's, if sooner), before the lease's end")
                .isGreaterThan(now).isLessThanOrEqualTo(answeredAt + TestClusters.MONITOR_INTERVAL.toMillis()).isLessThan(leaseDecision);
    }

    /** Beats from both peers read now, each echoing n2's own beat sent at {@code echoedMs}. */
    NodeEvent[] echoedBeats(long echoedMs) {
        return new NodeEvent[] {
            new NodeEvent.Beat(N1, "v1", ALL, 1, now, java.util.OptionalLong.of(echoedMs)),
            new NodeEvent.Beat(N3, "v1", ALL, 1, now, java.util.OptionalLong.of(echoedMs))
        };
    }

    /**
     * Issue 13's one-way cut: from 1000 the peers no longer hear n2 (their echoes stay at its beat of 960), and
     * n2's loop stands still 1000-1370, less than a lease, while the peers still hold it in their view. The
     * beats read after the stall must not renew the lease: it ends 400 ms after the beat they echo.
     */
    @Test
    void beatsReadAfterAShortStallDuringAOneWayCutRenewNothingPastTheBeatTheyEcho() {
        startWebHere(1);
        for (now = 40; now <= 1000; now += 80) step(echoedBeats(now - 40));
        now = 1370;
        List<Effect> afterStall = step(echoedBeats(960));
        assertThat(afterStall).as("the lease ended at 960 + 400").anyMatch(e -> e instanceof Effect.Note n && n.text().startsWith("quorum lease lost"));
        assertThat(afterStall).noneMatch(e -> e instanceof Effect.GuardDeadline d && d.atMs() > 1360 + CONFIG.timing().leaseMargin().toMillis() / 2);
    }

    @Test
    void withoutEchoesTheSameStallWouldKeepTheLease() {
        // What a beat from an older daemon still does (see docs/design.md, rolling upgrades): read time counts.
        startWebHere(1);
        for (now = 40; now <= 1000; now += 80) step(beats(1));
        now = 1370;
        assertThat(step(beats(1))).noneMatch(e -> e instanceof Effect.Note n && n.text().startsWith("quorum lease lost"));
        assertThat(core.status().quorate()).isTrue();
    }
}
