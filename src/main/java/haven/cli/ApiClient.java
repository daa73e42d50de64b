package haven.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The CLI's only way into the cluster: the local daemon's /ha API on 127.0.0.1. */
final class ApiClient {
    record Reply(int code, String body) {}

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ApiClient(int port) {
        this.port = port;
    }

    Reply get(String path) {
        return call(HttpRequest.newBuilder(uri(path)).GET());
    }

    Reply getJson(String path) {
        return call(HttpRequest.newBuilder(uri(path)).header("Accept", "application/json").GET());
    }

    Reply put(String path, String body) {
        return call(HttpRequest.newBuilder(uri(path)).PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    Reply post(String path) {
        return call(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    Reply get(String path, String accept) {
        return call(HttpRequest.newBuilder(uri(path)).header("Accept", accept).GET());
    }

    Reply put(String path, String body, String ifMatch) {
        return call(HttpRequest.newBuilder(uri(path)).header("If-Match", ifMatch)
                .PUT(HttpRequest.BodyPublishers.ofString(body, java.nio.charset.StandardCharsets.UTF_8)));
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private Reply call(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body());
        } catch (ConnectException e) {
            throw new CliError("no haven daemon answers on 127.0.0.1:" + port
                    + " — is `haven node` running on this machine (or in this network namespace)? Use --api-port if it listens elsewhere.");
        } catch (IOException e) {
            throw new CliError("the daemon's API on 127.0.0.1:" + port + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliError("interrupted");
        }
    }
}
