package haven.core;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
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
 * Reading the meta-data XML that resource agents and fence agents print: the same hardened parser and the
 * same few DOM walks for both. Agents are programs we run, not documents we trust: no DTDs, no entities, no
 * XInclude.
 */
public final class AgentXml {
    /**
     * Nearly every OCF agent starts with a DOCTYPE naming ra-api-1.dtd, which the hardened parser would refuse;
     * it is dropped. One with an internal subset ('[') is left in place, and refused.
     */
    private static final Pattern DOCTYPE = Pattern.compile("<!DOCTYPE[^\\[>]*>");

    private AgentXml() {}

    /**
     * Parses {@code xml}, skipping anything printed before the first '<' (blank lines, a BOM) and a DOCTYPE.
     * {@code what} names the document in errors, e.g. "meta-data of IPaddr2".
     *
     * @throws IllegalArgumentException naming {@code what} and, for bad XML, the line and column
     */
    public static Document parse(String what, String xml) {
        int start = xml.indexOf('<');
        if (start < 0) {
            throw new IllegalArgumentException(what + " is not XML" + (xml.isBlank() ? " (it printed nothing)"
                    : ": it begins with '" + xml.strip().lines().findFirst().orElse("") + "'"));
        }
        String body = DOCTYPE.matcher(xml.substring(start)).replaceFirst("");
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new ThrowingErrors());
            return b.parse(new InputSource(new StringReader(body)));
        } catch (SAXParseException e) {
            throw new IllegalArgumentException(what + " is not valid XML: line " + e.getLineNumber()
                    + ", column " + e.getColumnNumber() + ": " + e.getMessage());
        } catch (SAXException | IOException | ParserConfigurationException e) {
            throw new IllegalArgumentException("cannot read the " + what + ": " + e.getMessage(), e);
        }
    }

    /** The first child element named {@code tag}, or null (also for a null parent). */
    public static Element first(Element parent, String tag) {
        List<Element> all = children(parent, tag);
        return all.isEmpty() ? null : all.get(0);
    }

    /** The child elements named {@code tag}, in document order; empty for a null parent. */
    public static List<Element> children(Element parent, String tag) {
        List<Element> out = new ArrayList<>();
        if (parent == null) return out;
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && e.getTagName().equals(tag)) out.add(e);
        }
        return out;
    }

    /** An attribute written as 1, true or yes (agents use all three). */
    public static boolean flag(Element e, String attribute) {
        String v = e.getAttribute(attribute).strip();
        return v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes");
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
}
