package health.clinicalops.authguard.service;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.authguard.store.WindowStats;
import health.clinicalops.authguard.store.WindowStats.Ranked;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runbook's 90% of active clients limited, abuse when the top 3 keys got 80% of the 429s. */
class OverwhelmRuleTest {

  private final OverwhelmRule rule =
      new OverwhelmRule(new OverwhelmRule.Thresholds(0.9, 5, 3, 0.8));

  private static WindowStats stats(long active, long limited, long denials, List<Ranked> top) {
    return new WindowStats(active, limited, denials, top, List.of(), 0, 0);
  }

  @Test
  void fewClientsLimitedIsNotOverwhelmed() {
    OverwhelmRule.Judgement judgement =
        rule.judge(stats(100, 50, 50, List.of(new Ranked("a", 1), new Ranked("b", 1))));

    assertThat(judgement.limitedShare()).isEqualTo(0.5);
    assertThat(judgement.overwhelmed()).isFalse();
  }

  @Test
  void manyKeysLimitedWithTheDenialsSpreadIsALegitimateSpike() {
    OverwhelmRule.Judgement judgement =
        rule.judge(
            stats(
                100, 95, 300, List.of(new Ranked("a", 5), new Ranked("b", 4), new Ranked("c", 4))));

    assertThat(judgement.overwhelmed()).isTrue();
    assertThat(judgement.abuse()).isFalse();
    assertThat(judgement.verdict()).isEqualTo("legitimate-spike");
  }

  @Test
  void theDenialsConcentratedOnTheTopKeysIsAbuse() {
    OverwhelmRule.Judgement judgement =
        rule.judge(
            stats(
                10,
                10,
                100,
                List.of(new Ranked("bot1", 50), new Ranked("bot2", 20), new Ranked("bot3", 10))));

    assertThat(judgement.overwhelmed()).isTrue();
    assertThat(judgement.verdict()).isEqualTo("abuse");
  }

  @Test
  void atMostAsManyLimitedKeysAsTheAbuseMaximumIsAbuse() {
    assertThat(rule.judge(stats(3, 3, 3, List.of())).abuse()).isTrue();
    assertThat(rule.judge(stats(4, 4, 4, List.of())).abuse()).isFalse();
  }

  @Test
  void aQuietSystemIsNeverJudgedOverwhelmed() {
    // Four of four clients limited, but fewer than the five active clients needed.
    assertThat(rule.judge(stats(4, 4, 40, List.of())).overwhelmed()).isFalse();
    assertThat(rule.judge(stats(5, 5, 50, List.of())).overwhelmed()).isTrue();
  }
}
