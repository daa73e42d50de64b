package haven.pacemaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.config.ClusterConfig;
import haven.config.ConfigLoader;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.scheduler.ColdStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * `haven import pacemaker` and `haven simulate --pacemaker` on CIBs written for the tests
 * (src/test/resources/pacemaker/CASE/cib.xml), each with the placement Pacemaker makes of it from nothing running
 * (expected.txt, worked out from Pacemaker's rules: scores add up per node, -INFINITY forbids, a mandatory colocation
 * follows the other resource, utilization is never exceeded, balanced picks the node with more capacity left, standby
 * nodes and stopped resources run nothing). Every case must import to a config that passes the check and settle on
 * that placement.
 */
class PacemakerImportTest {
    private static final Path CASES = Path.of("src/test/resources/pacemaker");

    @TestFactory
    Stream<DynamicTest> everyCibImportsAndSettlesWherePacemakerPlacesIt() throws Exception {
        List<Path> cases;
        try (Stream<Path> s = Files.list(CASES)) {
            cases = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(cases).as("CIB cases").hasSizeGreaterThanOrEqualTo(20);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            CibImport.Result r = CibImport.convert(Files.readString(dir.resolve("cib.xml")), Map.of());
            ClusterConfig config = ConfigLoader.parse(r.yaml(), dir + "/imported.yaml");
            ColdStart.Outcome o = ColdStart.settle(config, new TreeSet<>(config.serviceNodeIds()),
                    new TreeSet<>(r.standby().stream().map(NodeId::of).toList()), new TreeSet<>(r.disabled().stream().map(GroupId::of).toList()),
                    1_700_000_000_000L);
            assertThat(o.settled()).as("settles").isTrue();
            assertThat(o.text(config)).as("%s\nimported as:\n%s\nwarnings: %s", dir, r.yaml(), r.warnings())
                    .isEqualTo(Files.readString(dir.resolve("expected.txt")));
        }));
    }

    @Test
    void whatHasNoCounterpartIsSaidAndAnAddressGivenIsUsed() throws Exception {
        String xml = Files.readString(CASES.resolve("20-three-tiers/cib.xml"))
                .replace("<constraints>", "<constraints><rsc_ticket id=\"t1\" rsc=\"vip\" ticket=\"site-a\"/>")
                .replace("name=\"notify\" value=\"true\"/>", "name=\"notify\" value=\"true\"/><nvpair id=\"x\" name=\"interleave\" value=\"true\"/>");
        CibImport.Result r = CibImport.convert(xml, Map.of("n1", "10.1.0.1"));
        assertThat(r.warnings()).anyMatch(w -> w.contains("<rsc_ticket id=\"t1\">") && w.contains("tickets are not built"))
                .anyMatch(w -> w.contains("interleave is not imported"));
        assertThat(r.yaml()).contains("address: 10.1.0.1\n", "address: 192.0.2.2   # the CIB has no addresses");
    }

    @Test
    void aCibThatCannotBeImportedIsRefusedWithTheReason() {
        assertThatThrownBy(() -> CibImport.convert("<config/>", Map.of())).hasMessageContaining("not a CIB");
        assertThatThrownBy(() -> CibImport.convert("<cib><configuration><nodes/>", Map.of())).hasMessageContaining("line 1");
        assertThatThrownBy(() -> CibImport.convert("<!DOCTYPE cib [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><cib>&x;</cib>", Map.of()))
                .as("no DTD, no external entity").isInstanceOf(ImportException.class).hasMessageNotContaining("root:");
        String fence = "<cib><configuration><nodes><node id=\"1\" uname=\"n1\"/></nodes><resources><primitive id=\"f\" class=\"stonith\""
                + " type=\"fence_ipmilan\"/></resources></configuration></cib>";
        assertThatThrownBy(() -> CibImport.convert(fence, Map.of())).hasMessageContaining("fencing: section");
        String unknown = "<cib><configuration><nodes><node id=\"1\" uname=\"n1\"/></nodes><resources><primitive id=\"a\" class=\"ocf\""
                + " provider=\"heartbeat\" type=\"Dummy\"/></resources><constraints><rsc_location id=\"l\" rsc=\"b\" node=\"n1\""
                + " score=\"1\"/></constraints></configuration></cib>";
        assertThatThrownBy(() -> CibImport.convert(unknown, Map.of())).hasMessageContaining("rsc=\"b\" names no resource");
    }
}
