package health.clinicalops.k8s;

import health.clinicalops.testing.KubeBinaries;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code helm} and {@code kubectl} binaries ({@link KubeBinaries}, from the npm registry,
 * cached) and how the chart tests run them: with their caches and config under {@code target/}.
 */
final class KubeTools {

  private KubeTools() {}

  static Path moduleDir() {
    return Path.of(System.getProperty("k8s.moduleDir", ".")).toAbsolutePath().normalize();
  }

  static Path buildDir() {
    return Path.of(System.getProperty("k8s.buildDir", moduleDir().resolve("target").toString()));
  }

  static Path chartDir() {
    return moduleDir().resolve("helm/clinical-ops");
  }

  static Path helm() {
    return binaries().helm();
  }

  static Path kubectl() {
    return binaries().kubectl();
  }

  private static KubeBinaries binaries() {
    return KubeBinaries.fetch(buildDir().resolve("kubectl-layer"));
  }

  record ProcessResult(int exitCode, String output) {}

  static ProcessResult helm(Map<String, String> env, String... args) {
    return exec(helm(), env, args);
  }

  static ProcessResult kubectl(Map<String, String> env, String... args) {
    return exec(kubectl(), env, args);
  }

  private static ProcessResult exec(Path binary, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    try {
      // helm and kubectl keep their caches and config here, never in the user's home.
      Path home = Files.createDirectories(buildDir().resolve("kube-home"));
      Map<String, String> all = new java.util.HashMap<>(env);
      all.putIfAbsent("HOME", home.toString());
      all.putIfAbsent("HELM_CACHE_HOME", home.resolve("helm-cache").toString());
      all.putIfAbsent("HELM_CONFIG_HOME", home.resolve("helm-config").toString());
      all.putIfAbsent("HELM_DATA_HOME", home.resolve("helm-data").toString());
      all.putIfAbsent("KUBECONFIG", home.resolve("no-kubeconfig").toString());
      return run(moduleDir(), all, Duration.ofMinutes(2), command.toArray(String[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ProcessResult run(Path dir, Map<String, String> env, Duration timeout, String... command)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output;
    try (InputStream in = process.getInputStream()) {
      output = in.readAllBytes();
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new ProcessResult(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }
}
