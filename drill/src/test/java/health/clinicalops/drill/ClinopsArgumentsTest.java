package health.clinicalops.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import health.clinicalops.drill.ClinopsArguments.Command;
import health.clinicalops.drill.ClinopsArguments.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClinopsArgumentsTest {

  @Test
  void theCommandsAndTheirOptions() throws UsageException {
    assertThat(parse("up")).isEqualTo(new ClinopsArguments(Command.UP, Optional.empty()));
    assertThat(parse("bench")).isEqualTo(new ClinopsArguments(Command.BENCH, Optional.empty()));
    assertThat(parse("drill")).isEqualTo(new ClinopsArguments(Command.DRILL, Optional.empty()));
    assertThat(parse("drill --json out/timeline.json"))
        .isEqualTo(new ClinopsArguments(Command.DRILL, Optional.of(Path.of("out/timeline.json"))));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"help", "--help", "-h", "up --help", "drill -h", "drill --json t.json -h"})
  void helpAnywhereAnOptionMayStand(String line) throws UsageException {
    assertThat(parse(line).command()).isEqualTo(Command.HELP);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "|no command given",
        "chaos|unknown command: chaos",
        "--chaos|unknown option: --chaos",
        "drill --chaos|unknown option for drill: --chaos",
        "drill --json|--json needs a FILE",
        "drill --json --chaos|--json needs a FILE",
        "drill --json a.json --json b.json|--json given twice",
        "drill --json=a.json|unknown option for drill: --json=a.json",
        "drill now|unexpected argument for drill: now",
        "up extra|unexpected argument for up: extra",
        "up --json a.json|unknown option for up: --json",
        "bench --quick|unknown option for bench: --quick",
        "help drill|unexpected argument for help: drill"
      })
  void anythingElseIsAUsageErrorThatSaysWhat(String lineAndError) {
    String[] parts = lineAndError.split("\\|");
    assertThatThrownBy(() -> parse(parts[0]))
        .isInstanceOf(UsageException.class)
        .hasMessage(parts[1]);
  }

  @Test
  void theUsageListsEveryCommandAndOption() {
    assertThat(ClinopsArguments.USAGE)
        .contains("up ", "drill [--json FILE]", "bench ", "help, --help, -h");
  }

  @Test
  void theScriptsHeaderCommentIsTheUsage() throws IOException {
    String usageAsComments =
        ClinopsArguments.USAGE
            .lines()
            .map(line -> ("# " + line).stripTrailing())
            .collect(Collectors.joining("\n"));
    assertThat(Files.readString(Path.of("../clinops"))).contains(usageAsComments);
  }

  private static ClinopsArguments parse(String line) throws UsageException {
    return ClinopsArguments.parse(line.isEmpty() ? List.of() : List.of(line.split(" ")));
  }
}
