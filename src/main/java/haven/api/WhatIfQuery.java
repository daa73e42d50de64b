package haven.api;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.node.NodeStatus;
import haven.scheduler.WhatIf;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * GET /ha/plan?node_down=N or /ha/plan?move=R&to=N: what the change would make the cluster do ({@link WhatIf}),
 * from this node's copy of the committed state and its view of the members. Read-only: nothing is committed.
 */
final class WhatIfQuery {
    static final String USAGE = "ask GET /ha/plan?node_down=NODE or GET /ha/plan?move=RESOURCE&to=NODE";

    private WhatIfQuery() {}

    static WhatIf.Outcome play(NodeStatus s, String rawQuery) {
        Map<String, String> q = parse(rawQuery);
        WhatIf.Change change;
        if (q.containsKey("node_down") && q.size() == 1) {
            change = new WhatIf.NodeDown(node(s, q.get("node_down")));
        } else if (q.containsKey("move") && q.containsKey("to") && q.size() == 2) {
            String r = q.get("move");
            GroupId g = s.config().group(GroupId.of(r)).map(x -> x.id()).or(() -> s.config().resource(haven.core.ResourceId.of(r))
                    .map(x -> s.config().groupOf(x.id()).id())).orElseThrow(() -> ApiError.notFound("no resource or group named '" + r + "'"));
            change = new WhatIf.Move(g, node(s, q.get("to")));
        } else {
            throw ApiError.badRequest("a what-if names one change: " + USAGE);
        }
        return WhatIf.play(s.config(), s.state(), new TreeSet<>(s.members()), System.currentTimeMillis(), change);
    }

    private static NodeId node(NodeStatus s, String name) {
        if (!haven.core.Names.isValid(name) || s.config().node(NodeId.of(name)).isEmpty()) {
            throw ApiError.notFound("no node named '" + name + "'; nodes: " + s.config().nodeIds());
        }
        return NodeId.of(name);
    }

    private static Map<String, String> parse(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return out;
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (out.put(k, v) != null) throw ApiError.badRequest("'" + k + "' is given twice; " + USAGE);
        }
        return out;
    }
}
