package health.clinicalops.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the benchmarks ran on, and how busy it was at the start of each benchmark. */
final class BenchMachine {

  private BenchMachine() {}

  static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }

  static String cpuModel() {
    return procLine("/proc/cpuinfo", "model name").orElse("unknown CPU");
  }

  static String memory() {
    return procLine("/proc/meminfo", "MemTotal")
        .map(
            v -> {
              long kb = Long.parseLong(v.replaceAll("[^0-9]", ""));
              return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
            })
        .orElse("unknown");
  }

  static String jdk() {
    return System.getProperty("java.vm.name")
        + " "
        + System.getProperty("java.runtime.version")
        + " ("
        + System.getProperty("java.vm.vendor")
        + ")";
  }

  static String kernel() {
    return System.getProperty("os.name") + " " + System.getProperty("os.version");
  }

  /** The three load averages, as {@code uptime} prints them. */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Resident memory of a process in MiB (VmRSS of /proc/PID/status), NaN if unknown. */
  static double rssMiB(long pid) {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
      for (String line : lines) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  private static java.util.Optional<String> procLine(String file, String key) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        if (line.startsWith(key)) {
          return java.util.Optional.of(line.substring(line.indexOf(':') + 1).strip());
        }
      }
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.empty();
  }
}
