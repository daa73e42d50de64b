package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three tiers on three real nodes: the built-in replicated PostgreSQL (primary and two replicas, sync, with its
 * address), an application cloned on two nodes that starts after the database's primary (nginx, as `app`), and the web
 * address colocated with an instance of the application. Powering off the primary's node promotes a replica; the order
 * stops every instance of the application (its own nodes are fine) and starts them again once the new primary runs, and
 * the address follows an instance. Checked from the client (SQL through the database's address, HTTP through the web
 * address) and from the timeline, in that order.
 */
@Tag("lab")
class ThreeTierLabTest {
    private static final String PREFIX = SharedLab.prefix("ttri");
    @RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3).withReplicationNet();
    private static final Duration WITHIN = Duration.ofSeconds(90);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(LAYOUT).beforeStart(ThreeTierLabTest::threeTiers);

    private static void threeTiers(LabState state) {
        ReplicatedPostgres.addTo(state, LAYOUT, "sync");
        try {
            String config = Files.readString(state.config());
            String web = "  - name: web\n    members: [vip, site]\n    prefer: " + LAYOUT.nodeName(1) + "\n";
            assertThat(config).contains(web);
            config = config.replace(web, "  - name: app\n    members: [site]\n    clone: 2\n    after: [db]\n"
                    + "  - name: web\n    members: [vip]\n    colocate: [{ with: app }]\n");
            Files.writeString(state.config(), config);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the three tiers", e);
        }
    }

    private static String haven(int node, String... args) {
        return LabCli.ok(LAYOUT, node, args);
    }

    private static List<Integer> holders(String address) {
        return LabCli.holders(LAYOUT, address);
    }

    private static long await(String what, long since, BooleanSupplier done) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (done.getAsBoolean()) return (System.nanoTime() - since) / 1_000_000;
            Pids.sleep(100);
        }
        throw new AssertionError(what + " not within " + WITHIN + "; db address on " + holders(ReplicatedPostgres.vip(LAYOUT))
                + ", web on " + holders(LAYOUT.vip()) + "\n" + lab.cluster().logTails(40));
    }

    private static boolean sqlWorks(ReplicatedPostgres db) {
        return db.sql(ReplicatedPostgres.vip(LAYOUT), "select 1", Duration.ofSeconds(3)).filter("1"::equals).isPresent();
    }

    private static boolean served() {
        return lab.cluster().fetchService(Duration.ofMillis(500)).isPresent();
    }

    /** The index of the first line at or after {@code from} that contains {@code text}; fails naming the timeline. */
    private static int line(List<String> log, int from, String text) {
        for (int i = from; i < log.size(); i++) {
            if (log.get(i).contains(text)) return i;
        }
        throw new AssertionError("no '" + text + "' after line " + from + " of the timeline:\n" + String.join("\n", log));
    }

    @Test
    void thePrimarysPowerLossPromotesAReplicaAndRestartsTheApplicationAfterItThenTheAddressFollows() {
        ReplicatedPostgres db = new ReplicatedPostgres(lab.get());
        long t = System.nanoTime();
        await("the database answers", t, () -> sqlWorks(db));
        await("the web answers", t, ThreeTierLabTest::served);
        int primary = holders(ReplicatedPostgres.vip(LAYOUT)).get(0);
        String status = haven(primary == 1 ? 2 : 1, "status");
        assertThat(status).contains("group app: clone on ");
        int witness = primary == 1 ? 2 : 1;

        Faults.Injected off = new Faults(lab.get()).kill(primary);
        long sqlMs = await("the database answers again", off.effectiveNanos(), () -> sqlWorks(db));
        long webMs = await("the web answers again", off.effectiveNanos(), ThreeTierLabTest::served);
        int newPrimary = holders(ReplicatedPostgres.vip(LAYOUT)).get(0);
        assertThat(newPrimary).isNotEqualTo(primary);

        List<String> log = haven(witness, "log", "--since", "10m").lines().toList();
        String lost = LAYOUT.nodeName(primary);
        int down = line(log, 0, lost + " lost");
        int appStopped = line(log, down, "clone app instances on [], were on");
        int dbRuns = line(log, down, "group db running on " + LAYOUT.nodeName(newPrimary));
        int appAgain = line(log, dbRuns, "clone app instances on [n");
        int appRuns = line(log, appAgain, "clone app running on");
        int webPlaced = line(log, appAgain, "group web placed on");
        assertThat(appStopped).as("the application stops before the new primary runs").isLessThan(dbRuns);
        assertThat(appRuns).as("the application starts again after the new primary runs").isGreaterThan(dbRuns);
        assertThat(webPlaced).isGreaterThan(appAgain);
        System.out.printf("three tiers: %s (db primary) powered off; the database answered again after %d ms (primary %s), the web after"
                + " %d ms; timeline: app stopped (line %d) < db running (%d) < app placed again (%d) < web placed (%d), app running (%d)%n",
                lost, sqlMs, LAYOUT.nodeName(newPrimary), webMs, appStopped, dbRuns, appAgain, webPlaced, appRuns);
        System.out.println(String.join("\n", log.subList(down, Math.min(log.size(), appRuns + 3))));
    }
}
