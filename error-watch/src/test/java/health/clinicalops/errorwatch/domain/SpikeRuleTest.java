package health.clinicalops.errorwatch.domain;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.errorwatch.domain.SpikeRule.BurnRate;
import health.clinicalops.errorwatch.domain.SpikeRule.Reading;
import health.clinicalops.errorwatch.service.ErrorWindows;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The trigger's arithmetic on real windows of 10 s buckets: 10% over a 1 min ratio window with at
 * least 20 requests, resolved below 5%; burn rates off unless a test turns them on.
 */
class SpikeRuleTest {

  private static final Duration BUCKET = Duration.ofSeconds(10);
  private static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");
  private static final SpikeRule.Thresholds RUNBOOK =
      new SpikeRule.Thresholds(0.10, 0.05, 20, Duration.ofMinutes(1), Optional.empty());

  private final ErrorWindows windows = new ErrorWindows(BUCKET.toMillis());

  /** {@code perBucket} requests in every bucket of [from, from + span), {@code errors} of them. */
  private void traffic(Instant from, Duration span, int perBucket, int errors) {
    for (Instant b = from; b.isBefore(from.plus(span)); b = b.plus(BUCKET)) {
      ErrorTally tally = windows.newBatchTally();
      for (int i = 0; i < perBucket; i++) {
        boolean error = i < errors;
        tally.add(
            new LogLine(
                b.toEpochMilli() + i,
                error ? "error" : "info",
                "m",
                error ? 500 : 200,
                null,
                "/api/notes",
                "clinician",
                "eu-west",
                "v2"),
            error ? "fp" : null,
            null);
      }
      windows.add(Map.of(b.toEpochMilli(), tally));
    }
  }

  private Reading read(SpikeRule.Thresholds thresholds, Instant at) {
    return new SpikeRule(thresholds).read(at, windows::counts);
  }

  @Test
  void aboveTheThresholdWithEnoughRequestsIsASpike() {
    traffic(T0, Duration.ofMinutes(1), 10, 2);

    Reading reading = read(RUNBOOK, T0.plus(Duration.ofMinutes(1)));

    assertThat(reading.ratio()).isEqualTo(0.2);
    assertThat(reading.enoughRequests()).isTrue();
    assertThat(reading.above()).isTrue();
    assertThat(reading.below()).isFalse();
  }

  @Test
  void betweenTheResolveThresholdAndTheThresholdIsNeither() {
    traffic(T0, Duration.ofMinutes(1), 100, 7);

    Reading reading = read(RUNBOOK, T0.plus(Duration.ofMinutes(1)));

    assertThat(reading.ratio()).isEqualTo(0.07);
    assertThat(reading.above()).isFalse();
    assertThat(reading.below()).isFalse();
  }

  @Test
  void belowTheResolveThresholdIsCalm() {
    traffic(T0, Duration.ofMinutes(1), 100, 4);

    assertThat(read(RUNBOOK, T0.plus(Duration.ofMinutes(1))).below()).isTrue();
  }

  @Test
  void tooFewRequestsAreNoEvidenceEitherWay() {
    // 19 requests in the minute, all errors.
    traffic(T0, Duration.ofSeconds(10), 19, 19);

    Reading reading = read(RUNBOOK, T0.plus(Duration.ofMinutes(1)));

    assertThat(reading.ratio()).isEqualTo(1.0);
    assertThat(reading.enoughRequests()).isFalse();
    assertThat(reading.above()).isFalse();
    assertThat(reading.below()).isFalse();
  }

  @Test
  void theRatioWindowEndsAtTheBucketEndAndStartsOneWindowBefore() {
    traffic(T0, Duration.ofMinutes(1), 10, 0);
    // The minute before and the bucket starting at the end are outside the window.
    traffic(T0.minus(Duration.ofMinutes(1)), Duration.ofMinutes(1), 10, 10);
    traffic(T0.plus(Duration.ofMinutes(1)), BUCKET, 10, 10);

    Reading reading = read(RUNBOOK, T0.plus(Duration.ofMinutes(1)));

    assertThat(reading.ratio()).isZero();
    assertThat(reading.below()).isTrue();
  }

  @Test
  void aBudgetBurningFastOverBothWindowsCountsAsASpikeWhenBurnRatesAreOn() {
    // 7% for an hour: under the 10% threshold, but six times the 1% budget of a 99% SLO.
    traffic(T0, Duration.ofHours(1), 100, 7);
    Instant end = T0.plus(Duration.ofHours(1));
    BurnRate burn =
        new BurnRate(
            0.99,
            Duration.ofHours(1),
            Duration.ofMinutes(5),
            14.4,
            Duration.ofHours(6),
            Duration.ofMinutes(30),
            6);
    SpikeRule.Thresholds withBurnRate =
        new SpikeRule.Thresholds(0.10, 0.05, 20, Duration.ofMinutes(1), Optional.of(burn));

    assertThat(read(RUNBOOK, end).above()).isFalse();
    Reading reading = read(withBurnRate, end);
    assertThat(reading.burning()).isTrue();
    assertThat(reading.above()).isTrue();
    assertThat(reading.below()).isFalse();
  }

  @Test
  void theFirstEvaluationStartsAfterTheEarliestBucketAndEndsAtTheLastCompleteOne() {
    Instant now = T0.plus(Duration.ofSeconds(47));

    SpikeRule.BucketEnds due =
        SpikeRule.dueBucketEnds(
            now,
            BUCKET,
            Duration.ofSeconds(15),
            Duration.ofHours(6),
            Optional.empty(),
            Optional.of(T0));

    // 47 s - 15 s lateness = 32 s: the bucket [20 s, 30 s) is the last complete one.
    assertThat(due.all())
        .containsExactly(T0.plusSeconds(10), T0.plusSeconds(20), T0.plusSeconds(30));
  }

  @Test
  void laterEvaluationsGoOnFromTheLastEvaluatedBucketEnd() {
    Instant now = T0.plus(Duration.ofSeconds(47));

    assertThat(
            SpikeRule.dueBucketEnds(
                    now,
                    BUCKET,
                    Duration.ofSeconds(15),
                    Duration.ofHours(6),
                    Optional.of(T0.plusSeconds(20)),
                    Optional.of(T0))
                .all())
        .containsExactly(T0.plusSeconds(30));
    SpikeRule.BucketEnds nothingDue =
        SpikeRule.dueBucketEnds(
            now,
            BUCKET,
            Duration.ofSeconds(15),
            Duration.ofHours(6),
            Optional.of(T0.plusSeconds(30)),
            Optional.of(T0));
    assertThat(nothingDue.isEmpty()).isTrue();
    assertThat(nothingDue.all()).isEmpty();
  }

  @Test
  void noBucketYetMeansOnlyTheLastCompleteBucketEnd() {
    assertThat(
            SpikeRule.dueBucketEnds(
                    T0.plusSeconds(5),
                    BUCKET,
                    Duration.ZERO,
                    Duration.ofHours(6),
                    Optional.empty(),
                    Optional.empty())
                .all())
        .containsExactly(T0);
  }

  @Test
  void aLongPauseIsCaughtUpOnlyAsFarBackAsTheRetention() {
    SpikeRule.BucketEnds due =
        SpikeRule.dueBucketEnds(
            T0.plus(Duration.ofHours(1)),
            BUCKET,
            Duration.ZERO,
            Duration.ofMinutes(1),
            Optional.of(T0),
            Optional.of(T0));

    assertThat(due.first()).isEqualTo(T0.plus(Duration.ofMinutes(59)));
    assertThat(due.all()).hasSize(7);
  }
}
