package health.clinicalops.opskit.dryrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DryRunSettingTest {

  private static DryRun resolve(Optional<Boolean> current, Map<String, Boolean> set) {
    return DryRunSetting.resolve(current, name -> Optional.ofNullable(set.get(name)));
  }

  @Test
  void offUnlessSomethingTurnsItOn() {
    assertThat(resolve(Optional.empty(), Map.of())).isEqualTo(DryRun.OFF);
    assertThat(resolve(Optional.of(true), Map.of())).isEqualTo(DryRun.ON);
  }

  @Test
  void theDeprecatedNamesStillWork() {
    assertThat(resolve(Optional.empty(), Map.of("clinicalops.auth-guard.shadow-mode", true)))
        .isEqualTo(DryRun.ON);
    assertThat(resolve(Optional.empty(), Map.of("clinicalops.db-sentinel.dry-run", true)))
        .isEqualTo(DryRun.ON);
    assertThat(resolve(Optional.empty(), Map.of("clinicalops.db-sentinel.dry-run", false)))
        .isEqualTo(DryRun.OFF);
  }

  @Test
  void theNewNameWinsOverADeprecatedOne() {
    assertThat(resolve(Optional.of(false), Map.of("clinicalops.auth-guard.shadow-mode", true)))
        .isEqualTo(DryRun.OFF);
  }
}
