package haven.pacemaker;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A Pacemaker CIB read as XML: the DOM helpers the import needs, and the parser set up for untrusted input (no
 * DTD, no external entities: a CIB is data, and a hostile one must not read files or reach the network).
 */
final class Cib {
    private final Element root;

    private Cib(Element root) {
        this.root = root;
    }

    static Cib parse(String xml) throws ImportException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document d = builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            Element root = d.getDocumentElement();
            if (!root.getTagName().equals("cib")) {
                throw new ImportException("the file is XML but not a CIB: its root element is <" + root.getTagName() + ">, not <cib>"
                        + " (write one with `cibadmin --query > cib.xml` on a Pacemaker node)");
            }
            return new Cib(root);
        } catch (ImportException e) {
            throw e;
        } catch (org.xml.sax.SAXParseException e) {
            throw new ImportException("line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage());
        } catch (Exception e) {
            throw new ImportException("cannot read the CIB: " + e.getMessage());
        }
    }

    /** The element at {@code path} below {@code <cib>} (e.g. configuration/resources), if any. */
    Optional<Element> at(String path) {
        Element e = root;
        for (String step : path.split("/")) {
            Optional<Element> next = children(e).stream().filter(c -> c.getTagName().equals(step)).findFirst();
            if (next.isEmpty()) return Optional.empty();
            e = next.get();
        }
        return Optional.of(e);
    }

    String attribute(String name) {
        return root.getAttribute(name);
    }

    static List<Element> children(Element e) {
        List<Element> out = new ArrayList<>();
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) out.add(c);
        }
        return out;
    }

    static List<Element> children(Element e, String tag) {
        return children(e).stream().filter(c -> c.getTagName().equals(tag)).toList();
    }

    /** The {@code tag} children of {@code e}'s {@code block} children. */
    static List<Element> grandchildren(Element e, String block, String tag) {
        List<Element> out = new ArrayList<>();
        for (Element b : children(e, block)) out.addAll(children(b, tag));
        return out;
    }

    /** The name/value pairs of {@code e}'s child blocks named {@code block} (instance_attributes, meta_attributes, ...). */
    static Map<String, String> pairs(Element e, String block) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Element b : children(e, block)) {
            for (Element nv : children(b, "nvpair")) out.put(nv.getAttribute("name"), nv.getAttribute("value"));
        }
        return out;
    }

    /** Where an element is, for a warning: its tag and id. */
    static String where(Element e) {
        return "<" + e.getTagName() + (e.hasAttribute("id") ? " id=\"" + e.getAttribute("id") + "\"" : "") + ">";
    }
}
