package haven.lab;

import java.util.ArrayList;
import java.util.List;

/** One line per node of a lab: is its daemon alive, does it hold the VIP, and what its /ha/status says. */
public final class LabStatusReport {
    private LabStatusReport() {}

    public static List<String> lines(Lab lab) {
        LabLayout l = lab.layout();
        LabCluster c = lab.cluster();
        List<String> out = new ArrayList<>();
        out.add("lab " + l.prefix() + ": " + l.nodes() + " nodes, subnet " + l.subnet() + ", VIP " + l.vip()
                + ", folder " + c.state().dir());
        List<Integer> holders = c.vipHolders();
        for (int i = 1; i <= l.nodes(); i++) {
            var pid = c.pid(i);
            String daemon = pid.map(p -> "PID " + p + (Pids.stopped(p) ? " PAUSED" : " alive")).orElse("daemon DOWN");
            String link = lab.network().attached(i) ? "" : " ISOLATED";
            String vip = holders.contains(i) ? " VIP" : "";
            int node = i;
            String ha = pid.flatMap(p -> c.status(node)).map(HaStatus::summary).orElse("(no /ha/status answer)");
            out.add(String.format("  %-3s %-8s %-22s%s%s  %s", l.nodeName(i), l.nodeAddress(i), daemon, vip, link, ha));
        }
        out.add("  service: " + c.fetchService(java.time.Duration.ofSeconds(1)).map(r -> r.body().strip())
                .orElse("NOT answering") + (holders.size() > 1 ? "  (!! VIP on " + holders.size() + " nodes)" : ""));
        return out;
    }
}
