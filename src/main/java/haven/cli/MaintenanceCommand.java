package haven.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Turns cluster-wide maintenance mode on or off (PUT /ha/cluster/maintenance). */
@Command(name = "maintenance", mixinStandardHelpOptions = true, description = "Cluster-wide maintenance mode: while on, haven"
        + " starts, stops, recovers and moves nothing (monitors still run and report), so a service can be worked on by hand."
        + " Off: every resource is probed and brought back to the cluster state.")
public final class MaintenanceCommand implements Callable<Integer> {
    enum Mode { on, off }

    @Parameters(index = "0", description = "on or off") Mode mode;
    @Option(names = "--reason", description = "why (required for on; shown in the status and the timeline)") String reason;
    @Mixin ApiOptions api;

    @Override
    public Integer call() {
        if (mode == Mode.on && (reason == null || reason.isBlank())) {
            throw new CliError("maintenance on needs --reason \"...\": the status and the timeline show it to whoever wonders"
                    + " later why nothing recovered");
        }
        String body = mode == Mode.on ? "on " + reason.strip() : "off";
        return ApiOptions.report(api.client().put("/ha/cluster/maintenance", body));
    }
}
