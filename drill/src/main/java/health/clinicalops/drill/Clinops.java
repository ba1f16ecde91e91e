package health.clinicalops.drill;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./clinops up}: start everything and wait for Ctrl-C. {@code ./clinops drill [--json
 * FILE]}: start everything, play the scenarios, print the timeline, exit non-zero if any expected
 * automated response did not happen. The command line: {@link ClinopsArguments}. ({@code ./clinops
 * bench} is the bench module's.)
 */
public final class Clinops {

  private Clinops() {}

  public static void main(String[] args) throws Exception {
    ClinopsArguments arguments = ClinopsArguments.readOrExit(args);
    Path repo = Path.of(System.getProperty("clinops.repo", ".")).toAbsolutePath().normalize();
    switch (arguments.command()) {
      case UP -> System.exit(up(repo));
      case DRILL -> System.exit(drill(repo, arguments.json().orElse(null)));
      case BENCH -> {
        System.err.println("clinops: bench is the bench module's main: run ./clinops bench");
        System.exit(2);
      }
      case HELP -> throw new IllegalStateException("readOrExit answers help itself");
    }
  }

  private static int up(Path repo) throws Exception {
    Progress progress = new Progress();
    LocalStack stack = new LocalStack(repo, progress);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("\nstopping everything ...");
                  stack.close();
                  stopped.countDown();
                }));
    try {
      stack.start();
    } catch (Exception e) {
      progress.done();
      System.err.println("start-up failed: " + e.getMessage());
      return 1;
    }
    progress.done();
    stack.printEndpoints();
    System.out.println("\nall five services are ready; Ctrl-C stops everything.");
    stopped.await();
    return 0;
  }

  private static int drill(Path repo, Path json) throws Exception {
    Progress progress = new Progress();
    Timeline timeline = new Timeline();
    try (LocalStack stack = new LocalStack(repo, progress)) {
      stack.start();
      stack.printEndpoints();
      Drill.play(stack, timeline, progress);
      progress.done();
    } catch (Exception e) {
      progress.done();
      System.err.println("drill stopped: " + e.getMessage());
      timeline.add(
          new Timeline.Row(
              "drill",
              "start-up",
              "every service ready",
              java.time.Instant.now(),
              java.time.Instant.now(),
              0,
              "-",
              false,
              e.getMessage()));
    }
    System.out.println();
    timeline.print(System.out);
    if (json != null) {
      timeline.writeJson(json);
      System.out.println("timeline written to " + json);
    }
    return timeline.allPassed() ? 0 : 1;
  }
}
