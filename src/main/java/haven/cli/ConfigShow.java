package haven.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "show", description = "Print the running cluster's config (stdout) and its version (stderr).")
final class ConfigShow implements Callable<Integer> {
    @Mixin
    ApiOptions api;

    @Override
    public Integer call() {
        JsonNode doc = current(api.client());
        System.err.println("# config version " + doc.path("version").asLong() + " (sha256 " + doc.path("sha256").asText() + ")");
        System.out.print(doc.path("text").asText());
        return 0;
    }

    static JsonNode current(ApiClient client) {
        ApiClient.Reply r = client.get("/ha/config", "application/json");
        if (r.code() != 200) throw new CliError("cannot read the cluster config: " + r.body().strip());
        try {
            return new ObjectMapper().readTree(r.body());
        } catch (IOException e) {
            throw new CliError("the daemon's /ha/config answer is not JSON: " + e.getMessage());
        }
    }
}
