package health.clinicalops.auditkeeper.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * The answer to a write: how many events were accepted and where they are durable. {@code
 * durableIn} is {@code database} (committed to "AuditLog", HTTP 201) or {@code spool} (fsync'd to
 * the local spool, replayed later, HTTP 202).
 */
@RegisterForReflection
public record WriteReceipt(int accepted, String durableIn, List<String> ids) {

  public static final String DATABASE = "database";
  public static final String SPOOL = "spool";

  public boolean committed() {
    return DATABASE.equals(durableIn);
  }
}
