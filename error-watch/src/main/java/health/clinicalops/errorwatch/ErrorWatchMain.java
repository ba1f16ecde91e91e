package health.clinicalops.errorwatch;

import health.clinicalops.errorwatch.filemode.LogFileReport;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The entry point. {@code top-errors <file|->} runs the file mode (plain Java, before and without
 * Quarkus: no database, no cluster) and exits; anything else starts the service.
 */
@QuarkusMain
public final class ErrorWatchMain {

  ErrorWatchMain() {}

  public static void main(String... args) {
    if (args.length > 0 && "top-errors".equals(args[0])) {
      System.exit(topErrors(args, System.in, System.out, System.err));
    }
    Quarkus.run(args);
  }

  /** The file mode; returns the exit code. */
  static int topErrors(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
    if (args.length < 2) {
      err.println("usage: error-watch top-errors <logs.json | -> [rows]");
      return 2;
    }
    int limit = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    LogFileReport report;
    try {
      report =
          "-".equals(args[1])
              ? new LogFileReport().read(new BufferedInputStream(stdin))
              : LogFileReport.readFile(Path.of(args[1]));
    } catch (IOException e) {
      err.println("error-watch: cannot read " + args[1] + ": " + e.getMessage());
      return 1;
    }
    PrintStream utf8 = new PrintStream(out, false, StandardCharsets.UTF_8);
    report.print(utf8, limit);
    utf8.flush();
    return 0;
  }
}
