package health.clinicalops.errorwatch;

import java.io.InputStream;
import java.io.PrintStream;

/** Lets tests in other packages run the file mode without exiting the JVM. */
public final class ErrorWatchMainAccess {
  private ErrorWatchMainAccess() {}

  public static int topErrors(String[] args, InputStream in, PrintStream out) {
    return ErrorWatchMain.topErrors(args, in, out, out);
  }
}
