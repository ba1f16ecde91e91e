package health.clinicalops.opskit.journal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DedupKeysTest {

  @Test
  void serviceSubjectAndPartsAreJoinedBySlashes() {
    assertThat(DedupKeys.of("auth-guard", "brute-force", "alice"))
        .isEqualTo("auth-guard/brute-force/alice");
    assertThat(DedupKeys.of("audit-keeper", "permissions")).isEqualTo("audit-keeper/permissions");
  }

  @Test
  void aSlashInsideAPartCannotMakeTwoKeysEqual() {
    assertThat(DedupKeys.of("s", "a/b", "c")).isNotEqualTo(DedupKeys.of("s", "a", "b/c"));
  }
}
