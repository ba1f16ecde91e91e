package health.clinicalops.errorwatch.domain;

/**
 * What {@code POST /api/v1/logs} did with a batch.
 *
 * @param accepted lines kept
 * @param rejected lines that did not parse, counted and skipped
 * @param truncated a JSON array broke off; the elements before the break were kept
 */
public record IngestResult(long accepted, long rejected, boolean truncated) {}
