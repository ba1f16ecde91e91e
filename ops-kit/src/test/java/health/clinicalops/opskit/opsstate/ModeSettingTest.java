package health.clinicalops.opskit.opsstate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lease rule: who may change a mode another setter put in force. */
class ModeSettingTest {

  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  static ModeSetting set(Mode mode, String by, Optional<Instant> leaseUntil) {
    return new ModeSetting(mode, "restore", by, Optional.of(NOW.minusSeconds(60)), leaseUntil);
  }

  @Test
  void onlyTheSetterLiftsALeasedModeWhileItsLeaseLasts() {
    ModeSetting maintenance =
        set(Mode.MAINTENANCE, "service:orchestrator", Optional.of(NOW.plusSeconds(30)));
    assertThat(maintenance.changeableBy("service:app", Mode.NORMAL, NOW)).isFalse();
    assertThat(maintenance.changeableBy("service:app", Mode.READ_ONLY, NOW)).isFalse();
    assertThat(maintenance.changeableBy("service:orchestrator", Mode.NORMAL, NOW)).isTrue();
  }

  @Test
  void aLeaseThatRanOutBindsNobody() {
    ModeSetting expired =
        set(Mode.MAINTENANCE, "service:orchestrator", Optional.of(NOW.minusSeconds(1)));
    assertThat(expired.changeableBy("service:app", Mode.NORMAL, NOW)).isTrue();
  }

  @Test
  void aPersonsModeHasNoLeaseAndIsNeverLiftedByAService() {
    ModeSetting byPerson = set(Mode.READ_ONLY, "operator:1a2b3c4d", Optional.empty());
    assertThat(byPerson.changeableBy("service:db-sentinel", Mode.NORMAL, NOW)).isFalse();
    assertThat(byPerson.changeableBy("service:db-sentinel", Mode.READ_ONLY, NOW)).isFalse();
  }

  @Test
  void anyoneMayMakeTheModeStricter() {
    ModeSetting readOnly = set(Mode.READ_ONLY, "operator:1a2b3c4d", Optional.empty());
    assertThat(readOnly.changeableBy("service:app", Mode.MAINTENANCE, NOW)).isTrue();
    assertThat(ModeSetting.NORMAL.changeableBy("service:app", Mode.READ_ONLY, NOW)).isTrue();
  }
}
