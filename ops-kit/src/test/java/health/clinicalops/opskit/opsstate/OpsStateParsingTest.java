package health.clinicalops.opskit.opsstate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpsStateParsingTest {

  private static final Instant NOW = Instant.parse("2026-01-16T10:00:00Z");

  @Test
  void readsEveryKeyOfTheContract() {
    OpsState state =
        OpsState.fromData(
            Map.of(
                "mode", "read-only",
                "mode.reason", "primary down",
                "mode.setBy", "db-sentinel",
                "mode.since", "2026-01-16T09:59:00Z",
                "mode.leaseExpiresAt", "2026-01-16T10:00:30Z",
                "database.target", "backup",
                "ratelimit.override.WRITE", "60/1m;expiresAt=2026-01-16T10:15:00Z"));
    assertEquals(Mode.READ_ONLY, state.effectiveMode(NOW));
    assertEquals("db-sentinel", state.modeSetting().setBy());
    assertEquals(DatabaseTarget.BACKUP, state.databaseTarget());
    RateLimitOverride write = state.activeOverride("WRITE", NOW).orElseThrow();
    assertEquals(60, write.max());
    assertEquals(Duration.ofMinutes(1), write.window());
    assertTrue(state.problems().isEmpty());
  }

  @Test
  void aLeasedModeFallsBackToNormalWhenItsLeaseRunsOut() {
    OpsState state =
        OpsState.fromData(
            Map.of("mode", "maintenance", "mode.leaseExpiresAt", "2026-01-16T10:00:00Z"));
    assertEquals(Mode.MAINTENANCE, state.effectiveMode(NOW.minusMillis(1)));
    assertEquals(Mode.NORMAL, state.effectiveMode(NOW));
  }

  @Test
  void aModeSetByAPersonHasNoLeaseAndStays() {
    OpsState state = OpsState.fromData(Map.of("mode", "maintenance", "mode.setBy", "alice"));
    assertEquals(Mode.MAINTENANCE, state.effectiveMode(NOW.plus(Duration.ofDays(30))));
  }

  @Test
  void malformedValuesAreReportedNotThrown() {
    OpsState state =
        OpsState.fromData(
            Map.of(
                "mode", "maintenence",
                "mode.since", "yesterday",
                "database.target", "tertiary",
                "ratelimit.override.AUTH", "lots"));
    assertEquals(DatabaseTarget.PRIMARY, state.databaseTarget());
    assertTrue(state.rateLimitOverrides().isEmpty());
    assertEquals(4, state.problems().size());
  }

  @Test
  void anUnknownModeIsTheStrictestModeNotNormal() {
    // A typo by an operator must not reopen writes.
    OpsState state = OpsState.fromData(Map.of("mode", "maintenence", "mode.setBy", "alice"));
    assertEquals(Mode.MAINTENANCE, state.effectiveMode(NOW));
    assertEquals(
        List.of("mode: unknown value 'maintenence', treated as maintenance"), state.problems());
  }

  @Test
  void hugeNumbersInAnOverrideAreReportedAndIgnoredWhileTheOtherKeysApply() {
    String expires = ";expiresAt=2026-01-16T10:15:00Z";
    Map<String, String> data = new HashMap<>();
    data.put("mode", "read-only");
    data.put("ratelimit.override.AUTH", "99999999999999999999/1m" + expires);
    data.put("ratelimit.override.READ", "60/99999999999999999999m" + expires);
    data.put("ratelimit.override.WRITE", "60/9999999999999999m" + expires);
    data.put("ratelimit.override.GLOBAL", "60/999999h" + expires);
    data.put("ratelimit.override.OTHER", "60/1m;expiresAt=+999999999-12-31T23:59:59Z");
    data.put("ratelimit.override.SEARCH", "120/1m" + expires);

    OpsState state = OpsState.fromData(data);

    assertEquals(Mode.READ_ONLY, state.effectiveMode(NOW));
    assertEquals(Set.of("SEARCH"), state.rateLimitOverrides().keySet());
    assertEquals(5, state.problems().size(), state.problems().toString());
  }

  @Test
  void overridesRoundTripAndExpire() {
    RateLimitOverride o =
        new RateLimitOverride("WRITE", 60, Duration.ofMinutes(1), NOW.plusSeconds(60));
    assertEquals("60/1m;expiresAt=2026-01-16T10:01:00Z", o.toWire());
    assertEquals(o, RateLimitOverride.parse("WRITE", o.toWire()).orElseThrow());
    assertTrue(o.isActive(NOW));
    assertFalse(o.isActive(NOW.plusSeconds(60)));
    assertTrue(RateLimitOverride.parse("WRITE", "0/1m;expiresAt=2026-01-16T10:01:00Z").isEmpty());
  }
}
