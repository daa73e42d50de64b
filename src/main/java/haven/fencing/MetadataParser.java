package haven.fencing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import static haven.core.AgentXml.children;
import static haven.core.AgentXml.first;
import static haven.core.AgentXml.flag;

import haven.core.AgentXml;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Reads the XML an agent prints for {@code action=metadata}:
 * {@code <resource-agent name shortdesc>} holding {@code <parameters>} (each a {@code <parameter name required
 * deprecated obsoletes>} with {@code <content type default>}, select {@code <option value>}s and a
 * {@code <shortdesc>}) and {@code <actions>} ({@code <action name>}).
 *
 * <p>The text comes from an external program, so DTDs and external entities are refused outright.
 */
public final class MetadataParser {
    private MetadataParser() {}

    /** @param agent names the agent in error messages */
    public static AgentMetadata parse(String agent, String xml) {
        Document doc = read(agent, xml);
        Element root = doc.getDocumentElement();
        if (!root.getTagName().equals("resource-agent")) {
            throw new FenceException("metadata of " + agent + " starts with <" + root.getTagName()
                    + ">, not <resource-agent>: is it a fence agent? (run it with action=metadata on stdin to see)");
        }
        List<ParameterSpec> params = new ArrayList<>();
        for (Element p : children(first(root, "parameters"), "parameter")) {
            params.add(parameter(agent, p));
        }
        List<String> actions = new ArrayList<>();
        for (Element a : children(first(root, "actions"), "action")) {
            String name = a.getAttribute("name");
            if (!name.isBlank() && !actions.contains(name)) actions.add(name);
        }
        String name = root.getAttribute("name").isBlank() ? agent : root.getAttribute("name");
        return new AgentMetadata(name, root.getAttribute("shortdesc").strip(), params, actions);
    }

    private static ParameterSpec parameter(String agent, Element p) {
        String name = p.getAttribute("name").strip();
        if (name.isEmpty()) throw new FenceException("metadata of " + agent + " has a <parameter> without a name");
        Element content = first(p, "content");
        String type = content == null || content.getAttribute("type").isBlank() ? "string" : content.getAttribute("type");
        Optional<String> def = content == null || !content.hasAttribute("default")
                ? Optional.empty() : Optional.of(content.getAttribute("default"));
        List<String> options = new ArrayList<>();
        for (Element o : children(content, "option")) options.add(o.getAttribute("value"));
        Element desc = first(p, "shortdesc");
        String shortdesc = desc == null ? "" : desc.getTextContent().strip().replaceAll("\\s+", " ");
        Optional<String> obsoletes = p.getAttribute("obsoletes").isBlank()
                ? Optional.empty() : Optional.of(p.getAttribute("obsoletes").strip());
        return new ParameterSpec(name, flag(p, "required"), flag(p, "deprecated"), obsoletes, type, def, options, shortdesc);
    }

    private static Document read(String agent, String xml) {
        try {
            return AgentXml.parse("metadata of " + agent, xml);
        } catch (IllegalArgumentException e) {
            throw new FenceException(e.getMessage(), e.getCause());
        }
    }
}
