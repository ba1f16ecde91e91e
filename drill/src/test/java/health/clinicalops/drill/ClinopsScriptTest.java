package health.clinicalops.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code clinops} script answers help and refuses a bad command line before it installs or
 * builds anything. It runs from a copy holding only the script and ClinopsArguments' source: were
 * the check to let a command line through, the script would find no {@code ./mvnw} and fail with
 * another exit code, instead of starting a build in this repository.
 */
class ClinopsScriptTest {

  private static final String ARGUMENTS_SOURCE =
      "drill/src/main/java/health/clinicalops/drill/ClinopsArguments.java";

  record Run(int exitCode, String stdout, String stderr) {}

  @Test
  void helpPrintsTheUsageOnStdoutAndExitsZero(@TempDir Path copy) throws Exception {
    Run help = clinops(copy, "--help");
    assertThat(help.exitCode()).as(help.stderr()).isZero();
    assertThat(help.stdout()).isEqualTo(ClinopsArguments.USAGE);
    assertThat(help.stderr()).isEmpty();
  }

  @Test
  void anUnknownOptionPrintsWhyAndTheUsageOnStderrAndExitsTwo(@TempDir Path copy) throws Exception {
    Run chaos = clinops(copy, "drill", "--chaos");
    assertThat(chaos.exitCode()).isEqualTo(2);
    assertThat(chaos.stdout()).isEmpty();
    assertThat(chaos.stderr())
        .isEqualTo("clinops: unknown option for drill: --chaos\n" + ClinopsArguments.USAGE);
  }

  private static Run clinops(Path copy, String... args) throws IOException, InterruptedException {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    Files.copy(repo.resolve("clinops"), copy.resolve("clinops"));
    Files.createDirectories(copy.resolve(ARGUMENTS_SOURCE).getParent());
    Files.copy(repo.resolve(ARGUMENTS_SOURCE), copy.resolve(ARGUMENTS_SOURCE));
    List<String> command = new ArrayList<>(List.of("bash", copy.resolve("clinops").toString()));
    command.addAll(List.of(args));
    Path stdout = copy.resolve("stdout");
    Path stderr = copy.resolve("stderr");
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("clinops " + String.join(" ", args) + " did not stop");
    }
    return new Run(
        process.exitValue(),
        Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }
}
