package health.clinicalops.rollbackorchestrator.common;

import health.clinicalops.opskit.ServiceNames;
import health.clinicalops.opskit.security.Roles;
import health.clinicalops.rollbackorchestrator.incident.domain.StepKind;
import io.quarkus.security.identity.SecurityIdentity;

/** Who asks for something: a person (operator token) or a service, by its token's name. */
public record Actor(String name, boolean person) {

  /** rollback-orchestrator itself, for its own automated steps. */
  public static final Actor SELF = new Actor(ServiceNames.ROLLBACK_ORCHESTRATOR, false);

  public static Actor of(SecurityIdentity identity) {
    return new Actor(identity.getPrincipal().getName(), identity.hasRole(Roles.OPERATOR));
  }

  public StepKind stepKind() {
    return person ? StepKind.MANUAL : StepKind.AUTOMATED;
  }
}
