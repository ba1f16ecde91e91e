package health.clinicalops.rollbackorchestrator.communicate.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The escaping the report's and the feed's templates apply to text written by callers. */
class TemplateEscapingTest {

  @Test
  void aMarkdownCellShowsHtmlAsTextAndKeepsPipesAndLinesInside() {
    assertThat(MarkdownFormats.cell("<b>a</b> | b & c\r\nnext"))
        .isEqualTo("&lt;b&gt;a&lt;/b&gt; \\| b &amp; c<br>next");
    assertThat(MarkdownFormats.cell(null)).isEmpty();
  }

  @Test
  void aMarkdownListItemIsOneLineOfText() {
    assertThat(MarkdownFormats.listItem("  <iframe>\nsecond  ")).isEqualTo("&lt;iframe&gt; second");
  }

  @Test
  void xmlTextEscapesTheFiveEntitiesAndDropsControlCharacters() {
    assertThat(XmlFormats.escape("a<b>&'\"\u0001\u001f\tz\n"))
        .isEqualTo("a&lt;b&gt;&amp;&apos;&quot;\tz\n");
    assertThat(XmlFormats.text("<x>").getValue()).isEqualTo("&lt;x&gt;");
  }
}
