package health.clinicalops.rollbackorchestrator.common;

import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.security.Caller;
import health.clinicalops.rollbackorchestrator.incident.domain.StepKind;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who asks for something: a person (operator token) or a service, by its token's name. {@code
 * named} says the token itself carries the name (a per-service token such as {@code
 * auth-guard.<secret>}), so the name is that service's and no other's.
 */
public record Actor(String name, boolean person, boolean named) {

  /** rollback-orchestrator itself, for its own automated steps. */
  public static final Actor SELF = new Actor(ServiceNames.ROLLBACK_ORCHESTRATOR, false, true);

  public static Actor of(SecurityIdentity identity) {
    Caller caller = Caller.of(identity);
    return new Actor(caller.name(), caller.isPerson(), caller.named());
  }

  public StepKind stepKind() {
    return person ? StepKind.MANUAL : StepKind.AUTOMATED;
  }
}
