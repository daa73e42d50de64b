package haven.cts;

import static org.assertj.core.api.Assertions.assertThat;

import haven.lab.Lab;
import haven.lab.SharedLab;
import haven.lab.LabLayout;
import haven.lab.LabNetwork;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A short CTS run on three real haven nodes in namespaces. Seed 258 gives two moves, a web server kill, a cut
 * holder, a flip, a killed daemon and a cold start one node at a time, and draws NearQuorumPoint, which does
 * not fit three nodes and must be reported as skipped. Needs root, nginx and a built daemon; about 1.5 min.
 */
@Tag("lab")
class CtsLabTest {
    private static final String PREFIX = SharedLab.prefix("tcts");
    private static final long SEED = 258;
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3));

    @Test
    void aSeededRunPassesEveryAuditAndReportsEachStep() {
        List<StepPlan.Planned> plan = StepPlan.of(Catalogue.all(), lab.layout(), SEED, 8);
        CtsReport report = new Runner(lab.get(), SEED, line -> System.err.println("cts: " + line)).run(plan);
        System.err.println(report.text());

        assertThat(report.passed()).as(report.text()).isTrue();
        assertThat(report.steps()).extracting(StepRecord::step).containsExactly("Move", "ResourceRecover", "Move",
                "NearQuorumPoint", "SplitBrain", "Flip", "ComponentFail", "StartOnebyOne");
        assertThat(report.steps().get(3).status()).isEqualTo(StepRecord.Status.SKIP);
        assertThat(report.count(StepRecord.Status.PASS)).isEqualTo(7);
        for (StepRecord r : report.steps()) {
            if (r.status() == StepRecord.Status.PASS) {
                assertThat(r.injected()).as(r.step()).isNotEmpty();
                assertThat(r.measuredMs()).as(r.step()).isBetween(0L, r.budgetMs());
                assertThat(r.observed()).as(r.step()).anyMatch(o -> o.startsWith("audit: VIP and web server on"))
                        .anyMatch(o -> o.startsWith("audit: 3 identical copies"));
            }
        }
        assertThat(report.json()).contains("\"seed\" : 258", "\"passed\" : true", "\"skipped_because\"");
    }
}
