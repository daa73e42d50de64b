package haven.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "why", description = "Explain where a resource (or group) runs and why: the scheduler's reasons, node by node.")
public final class WhyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RESOURCE") String resource;
    @Mixin ApiOptions api;

    @Override
    public Integer call() {
        return ApiOptions.report(api.client().get("/ha/resources/" + resource + "/why"));
    }
}
