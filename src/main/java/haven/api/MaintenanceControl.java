package haven.api;

import haven.cib.Command;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code PUT /ha/cluster/maintenance}: the body is {@code on REASON} or {@code off} (the reason may come as
 * {@code ?reason=} instead). Turning it on needs a reason, since the status and the timeline show it to
 * whoever wonders later why nothing recovered.
 */
final class MaintenanceControl {
    private MaintenanceControl() {}

    static Control.Action of(String method, Map<String, String> query, String body, long nowEpochMs) {
        if (!method.equals("PUT") && !method.equals("POST")) {
            throw new ApiError(405, method + " /ha/cluster/maintenance is not an action; PUT it with the body 'on REASON' or 'off'");
        }
        String word = body.isEmpty() ? "" : body.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        String reason = Optional.ofNullable(query.get("reason")).orElse(body.contains(" ") ? body.split("\\s+", 2)[1] : "").strip();
        return switch (word) {
            case "on", "true" -> {
                if (reason.isEmpty()) {
                    throw ApiError.badRequest("maintenance on needs a reason, shown in the status and the timeline: PUT the body"
                            + " 'on upgrading nginx' (or ?reason=...)");
                }
                yield new Control.Action(List.of(new Command.SetMaintenance(true, reason, nowEpochMs)),
                        "ok: maintenance mode on (" + reason + "): haven starts, stops and recovers nothing until it is turned off");
            }
            case "off", "false" -> new Control.Action(List.of(new Command.SetMaintenance(false, "", nowEpochMs)),
                    "ok: maintenance mode off: every resource is probed and reconciled to the cluster state");
            default -> throw ApiError.badRequest("PUT /ha/cluster/maintenance takes the body 'on REASON' or 'off', not '" + body + "'");
        };
    }
}
