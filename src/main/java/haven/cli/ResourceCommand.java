package haven.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "resource", description = {"Move a resource's group, clear a move, clean up failures, disable, enable, restart,",
        "unmanage or manage it. RESOURCE may name a group; every action acts on the whole group."},
        subcommands = {ResourceCommand.Move.class, ResourceCommand.Clear.class, ResourceCommand.Cleanup.class,
                ResourceCommand.Disable.class, ResourceCommand.Enable.class, ResourceCommand.Restart.class,
                ResourceCommand.Unmanage.class, ResourceCommand.Manage.class})
public final class ResourceCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "say what to do: haven resource move|clear|cleanup|disable|enable|restart|unmanage|manage RESOURCE [NODE]");
    }

    @Command(name = "move", description = "Move RESOURCE's group to NODE and keep it there until `haven resource clear`, or for a while.")
    static final class Move implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RESOURCE") String resource;
        @Parameters(index = "1", paramLabel = "NODE") String node;
        @Option(names = "--for", paramLabel = "DURATION",
                description = "end the move by itself after DURATION (30s, 30m, 2h; at most 168h); the group stays where it runs then")
        String lifetime;
        @Mixin ApiOptions api;

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().post("/ha/resources/" + resource + "/move?node=" + node
                    + (lifetime == null ? "" : "&for=" + lifetime)));
        }
    }

    /** One word on a group: POST /ha/resources/R/WORD. */
    abstract static class GroupAction implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE") String resource;
        @Mixin ApiOptions api;

        abstract String word();

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().post("/ha/resources/" + resource + "/" + word()));
        }
    }

    @Command(name = "disable", description = "Stop RESOURCE's group everywhere (what starts after it first) and keep it stopped.")
    static final class Disable extends GroupAction {
        @Override String word() { return "disable"; }
    }

    @Command(name = "enable", description = "Let a disabled group run again.")
    static final class Enable extends GroupAction {
        @Override String word() { return "enable"; }
    }

    @Command(name = "restart", description = "Stop RESOURCE's group (what starts after it first) and start it again on the same node.")
    static final class Restart extends GroupAction {
        @Override String word() { return "restart"; }
    }

    @Command(name = "unmanage", description = "Monitor RESOURCE's group only: haven starts, stops, recovers and moves nothing of it.")
    static final class Unmanage extends GroupAction {
        @Override String word() { return "unmanage"; }
    }

    @Command(name = "manage", description = "Hand an unmanaged group back to haven: probed, then reconciled to the cluster state.")
    static final class Manage extends GroupAction {
        @Override String word() { return "manage"; }
    }

    @Command(name = "clear", description = "Forget an earlier move: the group may run anywhere again (it stays where it is).")
    static final class Clear implements Callable<Integer> {
        @Parameters(paramLabel = "RESOURCE") String resource;
        @Mixin ApiOptions api;

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().post("/ha/resources/" + resource + "/clear"));
        }
    }

    @Command(name = "cleanup", description = "Forget RESOURCE's failures (on NODE, or everywhere), so it may run there again.")
    static final class Cleanup implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RESOURCE") String resource;
        @Parameters(index = "1", paramLabel = "NODE", arity = "0..1") String node;
        @Mixin ApiOptions api;

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().post("/ha/resources/" + resource + "/cleanup" + (node == null ? "" : "?node=" + node)));
        }
    }
}
