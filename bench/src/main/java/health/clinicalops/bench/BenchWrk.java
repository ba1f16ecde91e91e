package health.clinicalops.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code wrk --latency} with one of the scripts in bench/wrk and reads its summary. */
final class BenchWrk {

  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(\\w+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
  private static final Pattern SOCKET_ERRORS =
      Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

  private BenchWrk() {}

  /** One wrk run: requests/s, latency percentiles in ms, responses that were not 2xx. */
  record Run(double rps, double p50, double p99, long requests, long non2xx, long socketErrors) {}

  /** A run with the load average just before it, for the runs tables. */
  record LoadedRun(String load, Run wrk) {}

  static Run run(
      Path script, String url, int threads, int connections, int seconds, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add("wrk");
    command.add("-t" + threads);
    command.add("-c" + connections);
    command.add("-d" + seconds + "s");
    command.add("--timeout");
    command.add("5s");
    command.add("--latency");
    command.add("-s");
    command.add(script.toString());
    command.add(url);
    command.add("--");
    command.addAll(args);
    String out = BenchCommand.run(command, Duration.ofSeconds(seconds + 60)).orFail("wrk").output();
    return parse(out);
  }

  static Run parse(String out) {
    Matcher rps = RPS.matcher(out);
    if (!rps.find()) {
      throw new IllegalStateException("wrk printed no Requests/sec: " + out);
    }
    Matcher requests = REQUESTS.matcher(out);
    long total = requests.find() ? Long.parseLong(requests.group(1)) : 0;
    Matcher non2xx = NON_2XX.matcher(out);
    long bad = non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0;
    Matcher socket = SOCKET_ERRORS.matcher(out);
    long errors = 0;
    if (socket.find()) {
      for (int i = 1; i <= 4; i++) {
        errors += Long.parseLong(socket.group(i));
      }
    }
    return new Run(
        Double.parseDouble(rps.group(1)),
        percentile(out, "50%"),
        percentile(out, "99%"),
        total,
        bad,
        errors);
  }

  private static double percentile(String out, String which) {
    Matcher m =
        Pattern.compile(
                "^\\s+" + Pattern.quote(which) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE)
            .matcher(out);
    if (!m.find()) {
      return Double.NaN;
    }
    double value = Double.parseDouble(m.group(1));
    return switch (m.group(2)) {
      case "us" -> value / 1000;
      case "s" -> value * 1000;
      default -> value;
    };
  }
}
