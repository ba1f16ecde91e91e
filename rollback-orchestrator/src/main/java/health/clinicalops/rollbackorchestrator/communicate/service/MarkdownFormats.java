package health.clinicalops.rollbackorchestrator.communicate.service;

import io.quarkus.qute.TemplateExtension;

/**
 * Text from incidents, steps and evidence in the Markdown report ({@code {md:cell(..)}}, {@code
 * {md:listItem(..)}}): callers write it, so HTML in it is shown as text, not rendered.
 */
@TemplateExtension(namespace = "md")
public final class MarkdownFormats {

  private MarkdownFormats() {}

  /** A value inside a table cell: a pipe stays inside the cell, line breaks become {@code <br>}. */
  static String cell(String text) {
    return text == null
        ? ""
        : escapeHtml(text).replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
  }

  /** A line of text for a list item, on one line. */
  static String listItem(String text) {
    return escapeHtml(text.strip()).replace("\r", "").replace("\n", " ");
  }

  private static String escapeHtml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
