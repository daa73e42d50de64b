package haven.cli;

import haven.config.ConfigException;
import haven.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "apply", description = {"Change the running cluster's config to FILE, live, on every node.",
        "The local daemon checks FILE as `haven config check` does and refuses it, naming every problem, if it is"
            + " invalid or changes what needs a rolling restart (nodes, cluster, timing, quorum, fencing, alerts, api).",
        "The change is made against a config version: --expect-version N, or else the version committed now. If"
            + " someone else changed the config since, it is refused and nothing changes."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:committed (or FILE is the config already; with --dry-run: it would be)", "1:refused: invalid, or not live (printed to stderr)",
            "2:FILE cannot be read", "3:the config changed since the version the change was made against",
            "4:not committed: no daemon, no quorum or no coordinator"})
final class ConfigApply implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the new cluster config")
    Path file;

    @Option(names = "--expect-version", paramLabel = "N", description = "the config version this change was made against"
            + " (`haven config show` prints it); default: the version committed now")
    Long expect;

    @Option(names = "--dry-run", description = "check FILE and print what applying it would do (restarts, reloads, placements,"
            + " round by round), committing nothing")
    boolean dryRun;

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() {
        String text;
        try {
            text = ConfigLoader.read(file); // refuses a file too large to check before sending it
        } catch (ConfigException e) {
            System.err.println("haven config apply: " + e.getMessage());
            return 2;
        }
        ApiClient client = api.client();
        long base = expect != null ? expect : ConfigShow.current(client).path("version").asLong();
        ApiClient.Reply r = client.put("/ha/config" + (dryRun ? "?dry_run=true" : ""), text, "\"" + base + "\"");
        return switch (r.code()) {
            case 200 -> {
                System.out.print(r.body());
                yield 0;
            }
            case 409 -> fail(r, 3);
            case 422, 400, 413 -> fail(r, 1);
            default -> fail(r, 4);
        };
    }

    private static int fail(ApiClient.Reply r, int code) {
        System.err.print("haven config apply: " + r.body());
        return code;
    }
}
