package haven.cli;

import haven.daemon.NodeRun;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "node", description = {"Run this machine's haven daemon (in the foreground), or put a node in standby / online.",
        "  haven node --config FILE --name NODE [--state-dir DIR] [--watchdog /dev/watchdog]",
        "  haven node standby|online NODE",
        "  haven node maintenance NODE on|off"},
        subcommands = {NodeCommand.Standby.class, NodeCommand.Online.class, NodeCommand.Maintenance.class})
public final class NodeCommand implements Callable<Integer> {
    @Mixin NodeRun daemon;

    @Override
    public Integer call() throws Exception {
        return daemon.run();
    }

    @Command(name = "standby", description = "Move every group off NODE and keep it off until `haven node online NODE`.")
    static final class Standby implements Callable<Integer> {
        @Parameters(paramLabel = "NODE") String node;
        @Mixin ApiOptions api;

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().post("/ha/nodes/" + node + "/standby"));
        }
    }

    @Command(name = "maintenance", description = {"Leave NODE's resources alone (on) while the rest of the cluster works on:",
            "nothing started, stopped or recovered there, nothing new placed there; off probes them and reconciles."})
    static final class Maintenance implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NODE") String node;
        @Parameters(index = "1", paramLabel = "on|off") String onOff;
        @Mixin ApiOptions api;

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().put("/ha/nodes/" + node + "/maintenance", onOff));
        }
    }

    @Command(name = "online", description = "Let NODE run groups again.")
    static final class Online implements Callable<Integer> {
        @Parameters(paramLabel = "NODE") String node;
        @Mixin ApiOptions api;

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().post("/ha/nodes/" + node + "/online"));
        }
    }
}
