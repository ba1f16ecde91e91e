package health.clinicalops.rollbackorchestrator.rollback.service;

/** A failed operation on the app database; its message goes to the rollback's steps. */
public class DatabaseStepFailed extends Exception {

  public DatabaseStepFailed(String message) {
    super(message);
  }
}
