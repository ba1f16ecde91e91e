package health.clinicalops.errorwatch.domain;

/**
 * The fields of one app log line that error-watch uses (see DESIGN.md, "The app's log line").
 * Absent strings are null; an absent status is {@link #NO_STATUS}.
 *
 * @param epochMillis the line's {@code timestamp}, the event time
 * @param level {@code level}, e.g. {@code error}
 * @param message {@code message}, the event name
 * @param status {@code status}, the HTTP status
 * @param errorMessage {@code error.message}, what the runbook's jq pipeline counts
 * @param endpoint {@code context.endpoint}
 * @param role {@code context.userRole}
 * @param region {@code context.region}
 * @param release {@code context.release}
 */
public record LogLine(
    long epochMillis,
    String level,
    String message,
    int status,
    String errorMessage,
    String endpoint,
    String role,
    String region,
    String release) {

  public static final int NO_STATUS = -1;

  /** An error for the ratio: {@code level=error} or a status of 500 or more. */
  public boolean isError() {
    return "error".equals(level) || status >= 500;
  }

  /** A client error, counted apart: a 4xx status on a line that is not an error. */
  public boolean isClientError() {
    return !isError() && status >= 400 && status < 500;
  }

  /**
   * A line the runbook's {@code grep '"level":"error"'} selects: its top-errors pipeline counts
   * these.
   */
  public boolean isErrorLevel() {
    return "error".equals(level);
  }

  /**
   * What the runbook's {@code jq -r '.error.message'} prints for this line: {@code error.message},
   * or {@code null} when absent (jq prints the word null).
   */
  public String pipelineMessage() {
    return errorMessage == null ? "null" : errorMessage;
  }

  /**
   * This line with {@code error.message} cut to {@code messageLength} characters and the context
   * fields to {@code fieldLength}: they become keys of the windows.
   */
  public LogLine cut(int messageLength, int fieldLength) {
    return new LogLine(
        epochMillis,
        level,
        message,
        status,
        cut(errorMessage, messageLength),
        cut(endpoint, fieldLength),
        cut(role, fieldLength),
        cut(region, fieldLength),
        cut(release, fieldLength));
  }

  private static String cut(String value, int length) {
    return value == null || value.length() <= length ? value : value.substring(0, length);
  }
}
