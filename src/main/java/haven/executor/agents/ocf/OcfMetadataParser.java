package haven.executor.agents.ocf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import static haven.core.AgentXml.children;
import static haven.core.AgentXml.first;
import static haven.core.AgentXml.flag;

import haven.core.AgentXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Reads the XML an OCF agent prints for {@code meta-data}: {@code <resource-agent name version>} with
 * {@code <shortdesc>}, {@code <parameters>} (each {@code <parameter name required unique>} with
 * {@code <shortdesc>} and {@code <content type default>}) and {@code <actions>} ({@code <action name timeout
 * interval depth role>}).
 *
 * <p>Nearly every agent starts with {@code <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">}. That line is
 * dropped rather than honoured: the text comes from a program, so no DTD is fetched and no entity expanded;
 * a DOCTYPE with an internal subset is refused.
 */
public final class OcfMetadataParser {
    /** Pacemaker's interval syntax: a number, then an optional unit; no unit means seconds. */
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|msec|s|sec|m|min|h|hr)?");

    private OcfMetadataParser() {}

    /** @param agent names the agent in error messages; IllegalArgumentException when the text is not meta-data */
    public static OcfMetadata parse(String agent, String xml) {
        Element root = read(agent, xml).getDocumentElement();
        if (!root.getTagName().equals("resource-agent")) {
            throw new IllegalArgumentException("meta-data of " + agent + " starts with <" + root.getTagName()
                    + ">, not <resource-agent>");
        }
        List<OcfParameter> params = new ArrayList<>();
        for (Element p : children(first(root, "parameters"), "parameter")) params.add(parameter(agent, p));
        List<OcfAction> actions = new ArrayList<>();
        for (Element a : children(first(root, "actions"), "action")) {
            String name = a.getAttribute("name").strip();
            if (name.isEmpty()) throw new IllegalArgumentException("meta-data of " + agent + " has an <action> without a name");
            actions.add(new OcfAction(name, duration(agent, name, "timeout", a), duration(agent, name, "interval", a),
                    integer(a.getAttribute("depth")), text(a.getAttribute("role"))));
        }
        String version = root.getAttribute("version");
        Element v = first(root, "version");
        if (v != null) version = v.getTextContent().strip();
        String name = root.getAttribute("name").isBlank() ? agent : root.getAttribute("name");
        return new OcfMetadata(name, version, oneLine(first(root, "shortdesc")), params, actions);
    }

    /** A duration as meta-data and Pacemaker write it: "20s", "20" (seconds), "1min", "500ms". */
    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase());
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a duration such as 20s, 1min or 500ms");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms", "msec" -> Duration.ofMillis(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h", "hr" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static OcfParameter parameter(String agent, Element p) {
        String name = p.getAttribute("name").strip();
        if (name.isEmpty()) throw new IllegalArgumentException("meta-data of " + agent + " has a <parameter> without a name");
        Element content = first(p, "content");
        String type = content == null || content.getAttribute("type").isBlank() ? "string" : content.getAttribute("type").strip();
        Optional<String> def = content == null || !content.hasAttribute("default") ? Optional.empty()
                : Optional.of(content.getAttribute("default"));
        return new OcfParameter(name, flag(p, "required"), flag(p, "unique"), type, def, oneLine(first(p, "shortdesc")),
                flag(p, "reloadable"));
    }

    private static Optional<Duration> duration(String agent, String action, String attribute, Element a) {
        String v = a.getAttribute(attribute).strip();
        if (v.isEmpty()) return Optional.empty();
        try {
            return Optional.of(duration(v));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("meta-data of " + agent + ": action " + action + " has " + attribute
                    + "=\"" + v + "\": " + e.getMessage());
        }
    }

    private static Optional<Integer> integer(String v) {
        return v.strip().matches("\\d{1,9}") ? Optional.of(Integer.parseInt(v.strip())) : Optional.empty();
    }

    private static Optional<String> text(String v) {
        return v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }


    private static String oneLine(Element e) {
        return e == null ? "" : e.getTextContent().strip().replaceAll("\\s+", " ");
    }

    private static Document read(String agent, String xml) {
        return AgentXml.parse("meta-data of " + agent, xml);
    }
}
