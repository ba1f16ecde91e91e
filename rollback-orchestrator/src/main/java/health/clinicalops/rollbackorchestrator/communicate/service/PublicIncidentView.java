package health.clinicalops.rollbackorchestrator.communicate.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An incident as the public sees it: a heading, its public state, the components it affects and its
 * public updates (newest first). Built without reading the incident's evidence or title.
 */
public record PublicIncidentView(
    long id,
    String title,
    String status,
    String impact,
    List<String> componentIds,
    List<String> componentNames,
    Instant startedAt,
    Instant updatedAt,
    Instant resolvedAt,
    List<PublicUpdateView> updates) {

  public boolean resolved() {
    return resolvedAt != null;
  }

  /** "Investigating", "Resolved", ... */
  public String statusLabel() {
    return Character.toUpperCase(status.charAt(0)) + status.substring(1);
  }

  /** Affected components, comma separated. */
  public String affects() {
    return String.join(", ", componentNames);
  }

  /** How long it lasted (resolved) or has lasted so far, e.g. "1 h 5 min". */
  public String duration(Instant now) {
    Duration d = Duration.between(startedAt, resolvedAt == null ? now : resolvedAt);
    long minutes = Math.max(0, d.toMinutes());
    return minutes < 60 ? minutes + " min" : (minutes / 60) + " h " + (minutes % 60) + " min";
  }
}
