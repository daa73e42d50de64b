package haven.cli;

import haven.daemon.NodeRun;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "node", description = {"Run this machine's haven daemon (in the foreground), or put a node in standby / online.",
        "  haven node --config FILE --name NODE [--state-dir DIR] [--watchdog /dev/watchdog]",
        "  haven node standby|online NODE"},
        subcommands = {NodeCommand.Standby.class, NodeCommand.Online.class})
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
