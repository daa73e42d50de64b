package haven.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import haven.executor.agents.ocf.OcfAction;
import haven.executor.agents.ocf.OcfMetadata;
import haven.executor.agents.ocf.OcfMetadataReader;
import haven.executor.agents.ocf.OcfRoot;
import haven.executor.agents.ocf.OcfType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every generated resource gives each operation at least the time its installed agent advises, and names only parameters the agent has. */
class AdvisedTimeoutsTest {

    private static List<Resource> allResources() throws Exception {
        ServiceRequest r = ServiceRequest.of("s", "10.0.0.100/24", Optional.of(Path.of("/srv/data")),
                Optional.of(Path.of("/etc/s.conf")), Optional.empty(), Optional.empty());
        ServiceRequest noData = ServiceRequest.of("s", "10.0.0.100/24", Optional.empty(),
                Optional.of(Path.of("/etc/s.conf")), Optional.empty(), Optional.empty());
        List<ServiceGroup> groups = List.of(new WebService().group(noData), new DnsService().group(r),
                new SmtpService().group(noData), new FtpService().group(noData), new ImapService().group(r), new SambaService().group(noData));
        List<Resource> all = new java.util.ArrayList<>();
        groups.forEach(g -> all.addAll(g.resources()));
        if (PostgresqlService.binaries(PostgresqlService.DEBIAN_ROOT).isPresent()) {
            all.addAll(new PostgresqlService().group(r).resources());
        }
        return all;
    }

    @Test
    void eachOperationGetsAtLeastTheAgentsAdvisedTimeoutAndOnlyItsParameters() throws Exception {
        int checked = 0;
        for (Resource res : allResources()) {
            if (!OcfType.looksLike(res.type())) continue;
            OcfType type = OcfType.parse(res.type());
            if (!OcfRoot.STANDARD.installed(type)) continue;
            OcfMetadata meta = OcfMetadataReader.read(OcfRoot.STANDARD, type, res.name(), List.of());
            for (String op : List.of("start", "stop", "monitor")) {
                Optional<Duration> advised = meta.action(op).flatMap(OcfAction::timeout);
                Duration ours = Duration.ofSeconds(Long.parseLong(res.timings().get(op + "_timeout").replace("s", "")));
                advised.ifPresent(a -> assertThat(ours).as("%s %s timeout", res.type(), op).isGreaterThanOrEqualTo(a));
            }
            assertThat(meta.parameterNames()).as("%s parameters", res.type()).containsAll(res.params().keySet());
            checked++;
        }
        assumeTrue(checked > 0, "no resource-agents installed here");
    }
}
