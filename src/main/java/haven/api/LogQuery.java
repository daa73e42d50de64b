package haven.api;

import com.sun.net.httpserver.HttpExchange;
import haven.cib.Codec;
import haven.config.ClusterConfig;
import haven.timeline.Timeline;
import haven.timeline.TimelineQuery;
import haven.timeline.TimelineRecord;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /ha/log?since=10m&resource=R&node=N&after=V.I&limit=K}: this node's copy of the cluster
 * timeline. Text by default (one record a line: time, position, type, text), a JSON array with
 * {@code Accept: application/json}. Every node answers with the same records for the versions it holds.
 */
final class LogQuery {
    private final ClusterConfig config;
    private final Timeline timeline;

    LogQuery(ClusterConfig config, Timeline timeline) {
        this.config = config;
        this.timeline = timeline;
    }

    void serve(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            throw new ApiError(405, "/ha/log is read-only: GET it (parameters since, resource, node, after, limit)");
        }
        if (!ApiServer.segments(ex.getRequestURI().getPath()).equals(List.of("log"))) {
            throw ApiError.notFound("no such path: the timeline is GET /ha/log (parameters since, resource, node, after, limit)");
        }
        TimelineQuery q;
        try {
            q = TimelineQuery.parse(ApiServer.query(ex.getRequestURI().getRawQuery()), config, System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        List<TimelineRecord> records = timeline.query(q);
        if (ApiServer.accepts(ex, "application/json")) {
            ApiServer.send(ex, 200, "application/json", Codec.toJson(records.stream().map(TimelineRecord::toMap).toList()) + "\n");
        } else {
            StringBuilder b = new StringBuilder();
            records.forEach(r -> b.append(line(r)).append('\n'));
            ApiServer.send(ex, 200, "text/plain", b.toString());
        }
    }

    /** One record as a line: UTC time (the same on every node), position, type, text. */
    static String line(TimelineRecord r) {
        return Instant.ofEpochMilli(r.atEpochMs()) + " " + r.position() + " " + r.type() + " " + r.text();
    }
}
