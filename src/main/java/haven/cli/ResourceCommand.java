package haven.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "resource", description = "Move a resource's group, clear a move, or clean up failures.",
        subcommands = {ResourceCommand.Move.class, ResourceCommand.Clear.class, ResourceCommand.Cleanup.class})
public final class ResourceCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "say what to do: haven resource move|clear|cleanup RESOURCE [NODE]");
    }

    @Command(name = "move", description = "Move RESOURCE's group to NODE and keep it there until `haven resource clear`.")
    static final class Move implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RESOURCE") String resource;
        @Parameters(index = "1", paramLabel = "NODE") String node;
        @Mixin ApiOptions api;

        @Override
        public Integer call() {
            return ApiOptions.report(api.client().post("/ha/resources/" + resource + "/move?node=" + node));
        }
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
