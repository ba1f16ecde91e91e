package health.clinicalops.errorwatch.domain;

/** Requests, errors (level=error or status ≥ 500) and client errors (4xx) of some slice. */
public final class Counts {
  private long requests;
  private long errors;
  private long clientErrors;

  public void add(LogLine line) {
    requests++;
    if (line.isError()) {
      errors++;
    } else if (line.isClientError()) {
      clientErrors++;
    }
  }

  public void add(Counts other) {
    requests += other.requests;
    errors += other.errors;
    clientErrors += other.clientErrors;
  }

  public long requests() {
    return requests;
  }

  public long errors() {
    return errors;
  }

  public long clientErrors() {
    return clientErrors;
  }

  /** errors / requests, 0 when there were no requests. */
  public double errorRatio() {
    return requests == 0 ? 0.0 : (double) errors / requests;
  }

  public double clientErrorRatio() {
    return requests == 0 ? 0.0 : (double) clientErrors / requests;
  }
}
