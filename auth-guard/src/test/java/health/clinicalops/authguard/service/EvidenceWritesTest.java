package health.clinicalops.authguard.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Attack keys carry attacker-chosen usernames and addresses: what is remembered stays bounded. */
class EvidenceWritesTest {

  private static final Duration REFRESH = Duration.ofSeconds(5);

  @Test
  void aMillionDistinctAttacksKeepTheMemoryBounded() {
    EvidenceWrites writes = new EvidenceWrites(10_000);
    Instant now = Instant.parse("2029-06-01T10:00:00Z");
    for (int i = 0; i < 1_000_000; i++) {
      assertThat(writes.due("auth-guard:brute-force:user-" + i, now, REFRESH)).isTrue();
    }
    assertThat(writes.size()).isEqualTo(10_000);
    // The most recent are still remembered: their evidence is not rewritten before the refresh.
    assertThat(writes.due("auth-guard:brute-force:user-999999", now.plusSeconds(1), REFRESH))
        .isFalse();
    assertThat(writes.due("auth-guard:brute-force:user-999999", now.plusSeconds(5), REFRESH))
        .isTrue();
  }
}
