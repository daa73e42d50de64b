package haven.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "show", description = {"Print the running cluster's config (stdout) and its version (stderr).",
        "Secrets (cluster.key, passwords of fence devices and resources) read as <redacted>; `haven config apply` of"
            + " such a text keeps them. --secrets prints them in clear: root (or api.local_group) only."})
final class ConfigShow implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Option(names = "--secrets", description = "print the secrets in clear (root or a member of api.local_group only)")
    boolean secrets;

    @Override
    public Integer call() {
        JsonNode doc = current(api.client(), secrets);
        System.err.println("# config version " + doc.path("version").asLong() + " (sha256 " + doc.path("sha256").asText() + ")");
        System.out.print(doc.path("text").asText());
        return 0;
    }

    static JsonNode current(ApiClient client) {
        return current(client, false);
    }

    static JsonNode current(ApiClient client, boolean secrets) {
        ApiClient.Reply r = client.get("/ha/config" + (secrets ? "?secrets=true" : ""), "application/json");
        if (r.code() != 200) throw new CliError("cannot read the cluster config: " + r.body().strip());
        try {
            return new ObjectMapper().readTree(r.body());
        } catch (IOException e) {
            throw new CliError("the daemon's /ha/config answer is not JSON: " + e.getMessage());
        }
    }
}
