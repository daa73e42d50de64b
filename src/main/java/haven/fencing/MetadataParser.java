package haven.fencing;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

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

    private static boolean flag(Element e, String attribute) {
        String v = e.getAttribute(attribute).strip();
        return v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes");
    }

    private static Document read(String agent, String xml) {
        // Python agents may print warnings before the XML when stderr is merged; here stdout is separate,
        // but leading blank lines and a BOM still occur.
        int start = xml.indexOf('<');
        if (start < 0) {
            throw new FenceException("metadata of " + agent + " is not XML" + (xml.isBlank() ? " (it printed nothing)"
                    : ": it begins with '" + xml.strip().lines().findFirst().orElse("") + "'"));
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new ThrowingErrors());
            return b.parse(new InputSource(new StringReader(xml.substring(start))));
        } catch (SAXParseException e) {
            throw new FenceException("metadata of " + agent + " is not valid XML: line " + e.getLineNumber()
                    + ", column " + e.getColumnNumber() + ": " + e.getMessage());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new FenceException("cannot read the metadata of " + agent + ": " + e.getMessage(), e);
        }
    }

    /** The default handler prints "[Fatal Error]" lines to stderr before throwing; we only want the throw. */
    private static final class ThrowingErrors implements org.xml.sax.ErrorHandler {
        @Override
        public void warning(SAXParseException e) {}

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    }

    private static Element first(Element parent, String tag) {
        List<Element> all = children(parent, tag);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        if (parent == null) return out;
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(tag)) out.add(e);
        }
        return out;
    }
}
