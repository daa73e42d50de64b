package haven.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `haven plan`: what a change would make the cluster do, worked out by the local daemon without doing it. */
@Command(name = "plan", description = {"Show what a change would make the cluster do, without doing it: the same scheduler on a copy",
        "of the committed state, played forward round by round as if every node did as told.",
        "  haven plan --node-down n2        n2 lost power",
        "  haven plan --move web n3         an administrator's move"})
public final class PlanCommand implements Callable<Integer> {
    @Option(names = "--node-down", paramLabel = "NODE", description = "the node stops answering (power loss)")
    String nodeDown;

    @Option(names = "--move", arity = "2", paramLabel = "RESOURCE NODE", description = "move RESOURCE's group to NODE")
    List<String> move;

    @Option(names = "--json", description = "the plan as JSON: change, rounds (each a list of actions), settled, then")
    boolean json;

    @Mixin ApiOptions api;

    @Override
    public Integer call() {
        if ((nodeDown == null) == (move == null)) {
            System.err.println("haven plan: name one change: --node-down NODE or --move RESOURCE NODE");
            return 2;
        }
        String query = nodeDown != null ? "node_down=" + enc(nodeDown) : "move=" + enc(move.get(0)) + "&to=" + enc(move.get(1));
        return ApiOptions.report(json ? api.client().get("/ha/plan?" + query, "application/json") : api.client().get("/ha/plan?" + query));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
