package health.clinicalops.opskit.opsstate;

/** A write kept losing the resourceVersion race after every retry. */
public class OpsStateConflictException extends RuntimeException {
  public OpsStateConflictException(String message) {
    super(message);
  }
}
