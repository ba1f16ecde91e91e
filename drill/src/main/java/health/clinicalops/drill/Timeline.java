package health.clinicalops.drill;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the drill saw: per runbook, each expected automated response and how long it took. */
final class Timeline {

  /**
   * One expected response. {@code seconds} runs from the triggering event to the observed action;
   * {@code byHand} is the runbook's own budget for the step a person would do.
   */
  record Row(
      String runbook,
      String event,
      String action,
      Instant triggeredAt,
      Instant doneAt,
      double seconds,
      String byHand,
      boolean ok,
      String note) {}

  private final List<Row> rows = new ArrayList<>();

  void add(Row row) {
    rows.add(row);
  }

  void passed(
      String runbook, String event, String action, Instant triggered, String byHand, String note) {
    Instant now = Instant.now();
    rows.add(
        new Row(
            runbook, event, action, triggered, now, seconds(triggered, now), byHand, true, note));
  }

  void failed(
      String runbook, String event, String action, Instant triggered, String byHand, String why) {
    Instant now = Instant.now();
    rows.add(
        new Row(
            runbook, event, action, triggered, now, seconds(triggered, now), byHand, false, why));
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }

  boolean allPassed() {
    return !rows.isEmpty() && rows.stream().allMatch(Row::ok);
  }

  void print(PrintStream out) {
    String format = "%-26s %-40s %-44s %9s  %-10s %-4s %s%n";
    String lastRunbook = "";
    out.printf(format, "runbook", "event", "automated action", "seconds", "by hand", "ok", "note");
    out.println("-".repeat(150));
    for (Row row : rows) {
      String runbook = row.runbook().equals(lastRunbook) ? "" : row.runbook();
      lastRunbook = row.runbook();
      out.printf(
          format,
          runbook,
          row.event(),
          row.action(),
          String.format("%.2f", row.seconds()),
          row.byHand(),
          row.ok() ? "yes" : "NO",
          row.note());
    }
    long failed = rows.stream().filter(r -> !r.ok()).count();
    out.println("-".repeat(150));
    out.printf(
        "%d responses expected, %d happened, %d failed%n",
        rows.size(), rows.size() - failed, failed);
  }

  void writeJson(Path file) throws IOException {
    new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(file.toFile(), rows);
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
