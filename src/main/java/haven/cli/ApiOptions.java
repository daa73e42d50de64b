package haven.cli;

import picocli.CommandLine.Option;

/** Where the local daemon's API listens. */
final class ApiOptions {
    @Option(names = "--api-port", description = "the local daemon's API port (default: $HAVEN_API_PORT or 7480)")
    Integer port;

    ApiClient client() {
        return new ApiClient(port());
    }

    int port() {
        return port != null ? port : Integer.parseInt(System.getenv().getOrDefault("HAVEN_API_PORT", "7480"));
    }

    static int report(ApiClient.Reply r) {
        if (r.code() == 200) {
            System.out.print(r.body());
            return 0;
        }
        System.err.print("haven: " + r.body());
        return 1;
    }
}
