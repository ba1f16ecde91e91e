package health.clinicalops.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external program (wrk, hyperfine, redis-benchmark, psql) and returns what it printed. */
final class BenchCommand {

  private BenchCommand() {}

  record Result(int exitCode, String output, double seconds) {
    Result orFail(String what) {
      if (exitCode != 0) {
        throw new IllegalStateException(
            what + " exited with " + exitCode + ": " + tail(output, 2000));
      }
      return this;
    }
  }

  static Result run(List<String> command, Duration timeout) {
    return run(command, Map.of(), null, timeout);
  }

  /** Runs {@code command} with stdout and stderr merged, optionally with stdin from a file. */
  static Result run(List<String> command, Map<String, String> env, Path stdin, Duration timeout) {
    try {
      Path out = Files.createTempFile("bench-", ".out");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()));
        if (stdin != null) {
          builder.redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
        }
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          throw new IllegalStateException(
              String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(
            process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), seconds);
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The first line of what {@code command} prints, or "unknown". */
  static String version(String... command) {
    try {
      String out = run(List.of(command), Duration.ofSeconds(10)).output().strip();
      return out.isEmpty() ? "unknown" : out.lines().findFirst().orElse("unknown").strip();
    } catch (RuntimeException e) {
      return "unknown";
    }
  }

  /** Debian's psql 15 where it is installed, else the first psql on the PATH. */
  static String psql() {
    Path debian = Path.of("/usr/lib/postgresql/15/bin/psql");
    return Files.isExecutable(debian) ? debian.toString() : "psql";
  }

  static String tail(String text, int max) {
    return text.length() <= max ? text : "..." + text.substring(text.length() - max);
  }
}
