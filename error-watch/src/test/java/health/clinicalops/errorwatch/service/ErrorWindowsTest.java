package health.clinicalops.errorwatch.service;

import static org.assertj.core.api.Assertions.assertThat;

import health.clinicalops.errorwatch.domain.ErrorTally;
import health.clinicalops.errorwatch.domain.LogLine;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bucket arithmetic of the sliding windows (10 s buckets), without a running service. */
class ErrorWindowsTest {

  private final ErrorWindows windows = new ErrorWindows(10_000);

  private void line(long epochMillis, boolean error) {
    ErrorTally tally = windows.newBatchTally();
    tally.add(
        new LogLine(
            epochMillis,
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
    windows.add(Map.of(windows.bucketStart(epochMillis), tally));
  }

  @Test
  void aLineBelongsToTheBucketItsTimestampFallsIn() {
    assertThat(windows.bucketStart(0)).isZero();
    assertThat(windows.bucketStart(9_999)).isZero();
    assertThat(windows.bucketStart(10_000)).isEqualTo(10_000);
    assertThat(windows.bucketStart(-1)).isEqualTo(-10_000);
  }

  @Test
  void aWindowIsTheBucketsFromTheOneHoldingItsStartUpToItsEnd() {
    line(5_000, true);
    line(15_000, false);
    line(25_000, false);
    line(35_000, true);

    // [12 s, 30 s): the buckets starting at 10 s and 20 s.
    assertThat(windows.counts(12_000, 30_000).requests()).isEqualTo(2);
    assertThat(windows.counts(12_000, 30_000).errors()).isZero();
    // [0 s, 40 s): all four, half of them errors.
    assertThat(windows.counts(0, 40_000).errorRatio()).isEqualTo(0.5);
    assertThat(windows.counts(40_000, 60_000).errorRatio()).isZero();
  }

  @Test
  void droppingKeepsTheBucketThatHasNotEndedYet() {
    line(5_000, true);
    line(15_000, false);
    line(25_000, false);

    windows.dropBefore(25_000);

    assertThat(windows.earliestBucket()).isEqualTo(20_000);
    assertThat(windows.bucketCount()).isEqualTo(1);
    assertThat(windows.counts(0, 30_000).requests()).isEqualTo(1);
  }

  @Test
  void theFirstSightingOfAFingerprintIsItsEarliestEventTime() {
    line(25_000, true);
    line(5_000, true);

    assertThat(windows.firstSeen("fp")).isEqualTo(5_000);
    assertThat(windows.firstSeen("never")).isNull();
  }
}
