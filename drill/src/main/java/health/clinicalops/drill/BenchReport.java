package health.clinicalops.drill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** BENCHMARKS.md: a summary table of figure vs baseline vs goal, then one section per item. */
final class BenchReport {

  /** One summary row. {@code verdict} is "met", or "**missed** ..." with by how much. */
  record Row(
      String item,
      String what,
      String measured,
      String baseline,
      String ratio,
      String goal,
      String verdict) {}

  private final List<Row> rows = new ArrayList<>();
  private final StringBuilder sections = new StringBuilder();

  void row(
      String item,
      String what,
      String measured,
      String baseline,
      String ratio,
      String goal,
      String verdict) {
    rows.add(new Row(item, what, measured, baseline, ratio, goal, verdict));
  }

  StringBuilder section(String title) {
    sections.append("\n## ").append(title).append("\n\n");
    return sections;
  }

  StringBuilder text() {
    return sections;
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

  /** A row of a table in a section: the cells as they are, then a line break. */
  static String tableRow(Object... cells) {
    return Arrays.stream(cells)
        .map(String::valueOf)
        .collect(Collectors.joining(" | ", "| ", " |\n"));
  }

  /** A table cell: a pipe not yet escaped would end the cell. */
  static String cell(String text) {
    return text.replace("\n", " ").replaceAll("(?<!\\\\)\\|", "\\\\|");
  }

  void write(Path file, String header) throws IOException {
    StringBuilder md = new StringBuilder(header);
    md.append("\n## Summary\n\n");
    md.append(
        "| # | figure | measured (median) | baseline, same run (median) | ratio | goal | goal met? |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (Row r : rows) {
      md.append("| ")
          .append(
              String.join(
                  " | ",
                  cell(r.item()),
                  cell(r.what()),
                  cell(r.measured()),
                  cell(r.baseline()),
                  cell(r.ratio()),
                  cell(r.goal()),
                  cell(r.verdict())))
          .append(" |\n");
    }
    md.append(sections);
    Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
  }
}
