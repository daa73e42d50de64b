package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Location scores on node attributes and colocations, on three real daemons: nodes labelled by rack (n1 in rack a,
 * n2 and n3 in rack b); besides the lab's web group, {@code follow} (an address that must run with web) and
 * {@code apart} (an address that must never run with web, and would rather be in rack b). Every check reads the
 * addresses each node's namespace holds, from outside: settled, follow is beside web's address and apart on
 * another rack-b node; then web's node loses power, and at no sample does an address sit on two nodes, or apart's
 * on web's node; afterwards web and follow are together on a survivor and apart on the other. And an order:
 * {@code app-group} starts after {@code db-group} (both addresses, kept on different nodes): when db's node (n1, with
 * web) loses power, app is stopped on its own node and comes back only once db runs again on a survivor. Before the
 * power loss, `haven plan --node-down` tells what will happen, and web then goes where it said.
 */
@Tag("lab")
class PlacementPreferencesLabTest {
    private static final LabLayout LAYOUT = new LabLayout(SharedLab.prefix("tplc"), 3);
    private static final Duration WITHIN = Duration.ofSeconds(20);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(LAYOUT).beforeStart(PlacementPreferencesLabTest::addGroups).settled();

    private static String address(int last) {
        return LAYOUT.vip().substring(0, LAYOUT.vip().lastIndexOf('.')) + "." + last;
    }

    private static final String FOLLOW = address(151);
    private static final String APART = address(152);
    private static final String DB = address(153);
    private static final String APP = address(154);

    private static void addGroups(LabState state) {
        try {
            String config = Files.readString(state.config());
            for (int i = 1; i <= LAYOUT.nodes(); i++) {
                String line = "    address: " + LAYOUT.nodeAddress(i) + "\n";
                assertThat(config).contains(line);
                config = config.replace(line, line + "    attributes: { rack: " + (i == 1 ? "a" : "b") + " }\n");
            }
            config = config.replace("resources:\n", "resources:\n"
                    + "  - name: follow\n    type: ipaddr\n    params: { address: " + FOLLOW + "/24 }\n    monitor_interval: 2s\n"
                    + "  - name: apart\n    type: ipaddr\n    params: { address: " + APART + "/24 }\n    monitor_interval: 2s\n"
                    + "  - name: db\n    type: ipaddr\n    params: { address: " + DB + "/24 }\n    monitor_interval: 2s\n"
                    + "  - name: app\n    type: ipaddr\n    params: { address: " + APP + "/24 }\n    monitor_interval: 2s\n");
            config += "  - name: follow-group\n    members: [follow]\n    colocate: [{ with: web }]\n"
                    + "  - name: apart-group\n    members: [apart]\n    location: [{ where: rack=b, score: 100 }]\n"
                    + "    colocate: [{ with: web, score: -inf }]\n"
                    + "  - name: db-group\n    members: [db]\n    prefer: " + LAYOUT.nodeName(1) + "\n"
                    + "  - name: app-group\n    members: [app]\n    after: [db-group]\n    colocate: [{ with: db-group, score: -inf }]\n";
            Files.writeString(state.config(), config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the lab's placement preferences", e);
        }
    }

    /** `haven why GROUP` run inside node {@code node}'s namespace, as an operator on that machine would. */
    private static String why(int node, String group) {
        return haven(node, "why", group);
    }

    /** The haven CLI run inside node {@code node}'s namespace; its output. */
    private static String haven(int node, String... args) {
        List<String> cmd = HavenRuntime.current().javaCommand(HavenRuntime.proberOptions(), "haven.cli.Main", List.of(args));
        Exec.Result r = Exec.run(Duration.ofSeconds(60), Netns.execIn(LAYOUT.nodeNamespace(node), cmd.toArray(String[]::new)));
        assertThat(r.code()).as("haven %s: %s %s", String.join(" ", args), r.out(), r.err()).isZero();
        return r.out();
    }

    /** The nodes (1-based) whose namespace holds {@code address} now. */
    private static List<Integer> holders(List<List<String>> addresses, String address) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            if (addresses.get(i).contains(address)) out.add(i + 1);
        }
        return out;
    }

    private static List<List<String>> sample() {
        List<List<String>> out = new ArrayList<>();
        for (int i = 1; i <= LAYOUT.nodes(); i++) out.add(Netns.ipv4Addresses(LAYOUT.nodeNamespace(i)));
        return out;
    }

    /** Waits until web, follow and apart each have one holder, follow with web and apart elsewhere; the last sample. */
    private static List<List<String>> awaitPlaced(String when) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        List<List<String>> s = sample();
        while (System.nanoTime() < deadline) {
            List<Integer> web = holders(s, LAYOUT.vip());
            List<Integer> db = holders(s, DB);
            if (web.size() == 1 && holders(s, FOLLOW).equals(web) && holders(s, APART).size() == 1 && !holders(s, APART).equals(web)
                    && db.size() == 1 && holders(s, APP).size() == 1 && !holders(s, APP).equals(db)) return s;
            Pids.sleep(100);
            s = sample();
        }
        throw new AssertionError(when + ": not placed within " + WITHIN + "; addresses per node " + s + "\n" + lab.cluster().logTails(40));
    }

    @Test
    void followGoesWithWebApartStaysAwayAcrossAPowerLoss() {
        List<List<String>> settled = awaitPlaced("after the start");
        int webNode = holders(settled, LAYOUT.vip()).get(0);
        assertThat(webNode).as("web prefers n1").isEqualTo(1);
        assertThat(holders(settled, APART)).as("apart would rather be in rack b (n2, n3)").isNotEmpty().allMatch(n -> n != 1);

        String why = why(2, "apart-group");
        assertThat(why).as("haven why apart-group").contains("kept apart from web, which runs here", "score +100 (rack=b +100)");
        assertThat(why(2, "follow-group")).contains("colocated with web, which runs on " + LAYOUT.nodeName(webNode));

        // What-if first: the same scheduler on a copy of the committed state, nothing done.
        String plan = haven(2, "plan", "--node-down", LAYOUT.nodeName(webNode));
        assertThat(plan).as("haven plan --node-down").startsWith("what if " + LAYOUT.nodeName(webNode) + " down:")
                .contains(LAYOUT.nodeName(webNode) + " declared lost", "start db-group on", "stop app-group on");
        assertThat(plan.indexOf("start app-group on")).as("app starts in a later round than db:\n%s", plan)
                .isGreaterThan(plan.indexOf("start db-group on"));
        java.util.regex.Matcher predicted = java.util.regex.Pattern.compile("\n  web: runs on (\\S+)\n").matcher(plan);
        assertThat(predicted.find()).as("the plan says where web ends:\n%s", plan).isTrue();
        assertThat(holders(sample(), LAYOUT.vip())).as("a plan changes nothing").containsExactly(webNode);
        System.out.print(plan);

        new Faults(lab.get()).kill(webNode);
        long killedAt = System.nanoTime();
        long deadline = killedAt + WITHIN.toNanos();
        int samples = 0;
        boolean appStopped = false;
        boolean appBack = false;
        long appStoppedMs = -1;
        long appBackMs = -1;
        List<List<String>> s = sample();
        while (System.nanoTime() < deadline) {
            samples++;
            for (String a : List.of(LAYOUT.vip(), FOLLOW, APART)) {
                assertThat(holders(s, a)).as("%s held by one node at most; sample %d: %s", a, samples, s).hasSizeLessThanOrEqualTo(1);
            }
            List<Integer> web = holders(s, LAYOUT.vip());
            assertThat(holders(s, APART)).as("apart never beside web; sample %d: %s", samples, s)
                    .noneMatch(n -> web.contains(n));
            // app starts after db: once it has stopped (db's node was lost), it is back only where db runs again.
            List<Integer> app = holders(s, APP);
            List<Integer> db = holders(s, DB);
            if (app.isEmpty() && !appStopped) {
                appStopped = true;
                appStoppedMs = (System.nanoTime() - killedAt) / 1_000_000;
            }
            if (appStopped && !app.isEmpty() && !appBack) {
                appBack = true;
                appBackMs = (System.nanoTime() - killedAt) / 1_000_000;
                assertThat(db).as("db runs again when app is back; sample %d: %s", samples, s).hasSize(1).doesNotContain(webNode);
            }
            if (web.size() == 1 && web.get(0) != webNode && holders(s, FOLLOW).equals(web) && holders(s, APART).size() == 1
                    && appBack && db.size() == 1) break;
            Pids.sleep(50);
            s = sample();
        }
        List<List<String>> after = awaitPlaced("after the power loss of n" + webNode);
        int newWeb = holders(after, LAYOUT.vip()).get(0);
        assertThat(newWeb).isNotEqualTo(webNode);
        assertThat(LAYOUT.nodeName(newWeb)).as("web went where `haven plan` said").isEqualTo(predicted.group(1));
        assertThat(holders(after, APART)).doesNotContain(webNode, newWeb);
        assertThat(appStopped).as("app (after db, on another node) was stopped when db's node was lost").isTrue();
        assertThat(holders(after, APP)).doesNotContain(webNode).isNotEqualTo(holders(after, DB));
        System.out.printf("placement preferences: n%d lost; web and follow together on n%d, apart on n%d, %d ms after the power"
                + " loss; %d samples, never an address on two nodes nor apart beside web; app (after db) seen stopped at %d ms,"
                + " back at %d ms with db on n%d%n", webNode, newWeb, holders(after, APART).get(0),
                (System.nanoTime() - killedAt) / 1_000_000, samples, appStoppedMs, appBackMs, holders(after, DB).get(0));
    }
}
