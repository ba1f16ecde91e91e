package health.clinicalops.drill;

import java.time.Duration;

/** One progress line on stderr, rewritten in place on a terminal. */
public final class Progress {

  private final long started = System.nanoTime();
  private final boolean terminal = System.console() != null;
  private String last = "";

  public void step(String what) {
    if (!terminal && what.equals(last)) {
      return;
    }
    last = what;
    double seconds = Duration.ofNanos(System.nanoTime() - started).toMillis() / 1000.0;
    String line = String.format("[%6.1fs] %s", seconds, what);
    if (terminal) {
      System.err.print("\r\033[2K" + line);
    } else {
      System.err.println(line);
    }
  }

  public void done() {
    if (terminal) {
      System.err.print("\r\033[2K");
    }
  }
}
