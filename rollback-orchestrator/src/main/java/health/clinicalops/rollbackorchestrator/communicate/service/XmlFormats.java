package health.clinicalops.rollbackorchestrator.communicate.service;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;

/**
 * Text in the Atom feed ({@code {xml:text(..)}}): the five XML entities escaped and the control
 * characters XML 1.0 does not allow left out, so an operator's message cannot break the feed.
 */
@TemplateExtension(namespace = "xml")
public final class XmlFormats {

  private XmlFormats() {}

  /** Character data or an attribute value; raw for Qute, which would escape it again. */
  static RawString text(String text) {
    return new RawString(escape(text));
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
