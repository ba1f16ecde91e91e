package health.clinicalops.auditkeeper.domain;

import health.clinicalops.opskit.security.Caller;

/**
 * Who delivered an audit event to audit-keeper, from the token it presented (never from the event
 * itself): stored in every event's {@code details.receivedFrom}.
 */
public record ReceivedFrom(String caller, String role) {

  public static ReceivedFrom of(Caller caller) {
    return new ReceivedFrom(caller.name(), caller.role());
  }
}
