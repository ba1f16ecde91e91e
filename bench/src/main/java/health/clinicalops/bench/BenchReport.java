package health.clinicalops.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BENCHMARKS.md: a summary table of figure vs baseline vs goal, then one section per benchmark,
 * each rendered from its typed results by its template ({@code src/main/resources/templates}).
 */
final class BenchReport {

  /** What one benchmark measured: its section's template and its rows of the summary table. */
  interface Section {

    /** The template's name in {@code templates/}; it sees this object as {@code r}. */
    String template();

    List<SummaryRow> summary();
  }

  /** One summary row. {@code verdict} is "met", or "**missed** ..." with by how much. */
  record SummaryRow(
      String item,
      String what,
      String measured,
      String baseline,
      String ratio,
      String goal,
      String verdict) {}

  /** A benchmark that threw: its section says so, and its summary row says it was not measured. */
  record Failed(String name, String error) implements Section {
    @Override
    public String template() {
      return "failed";
    }

    @Override
    public List<SummaryRow> summary() {
      return List.of(
          new SummaryRow(
              "-", name, "failed", "-", "-", "-", "**not measured** (failed, see below)"));
    }
  }

  /**
   * The head of the file: when and on what it ran.
   *
   * @param tools the first line of each tool's version output, joined by "; "
   */
  record Header(
      String startedUtc,
      double minutes,
      int cores,
      String cpuModel,
      String memory,
      String kernel,
      String jdk,
      String loadAtStart,
      String tools,
      int runs) {}

  private final List<Section> sections = new ArrayList<>();

  void add(Section section) {
    sections.add(section);
  }

  String render(Header header) {
    List<SummaryRow> summary = new ArrayList<>();
    List<String> rendered = new ArrayList<>();
    for (Section section : sections) {
      summary.addAll(section.summary());
      rendered.add(BenchTemplates.render(section.template(), Map.of("r", section)));
    }
    return BenchTemplates.render(
        "BENCHMARKS",
        Map.of("header", header, "summary", summary, "sections", String.join("", rendered)));
  }

  void write(Path file, Header header) throws IOException {
    Files.writeString(file, render(header), StandardCharsets.UTF_8);
  }

  /** "met" when {@code measured >= goal}, else how far short, in percent of the goal. */
  static String atLeast(double measured, double goal) {
    if (Double.isNaN(measured)) {
      return "**not measured**";
    }
    if (measured >= goal) {
      return "met";
    }
    return String.format(
        Locale.ROOT,
        "**missed**: %s vs ≥ %s (%.0f%% short)",
        BenchStats.num(measured),
        BenchStats.num(goal),
        (1 - measured / goal) * 100);
  }

  /** "met" when {@code measured <= goal}, else by how much it is over. */
  static String atMost(double measured, double goal) {
    if (Double.isNaN(measured)) {
      return "**not measured**";
    }
    if (measured <= goal) {
      return "met";
    }
    return String.format(
        Locale.ROOT,
        "**missed**: %s vs ≤ %s (%s the goal)",
        BenchStats.num(measured),
        BenchStats.num(goal),
        BenchStats.ratio(measured / goal));
  }

  /** A table cell: a pipe not yet escaped would end the cell. */
  static String cell(String text) {
    return text.replace("\n", " ").replaceAll("(?<!\\\\)\\|", "\\\\|");
  }
}
