package health.clinicalops.opskit.clients;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The part of db-sentinel's {@code GET /api/v1/database/status} that its callers (error-watch)
 * read.
 *
 * @param state {@code healthy}, {@code degraded}, {@code down}; {@code unknown} when db-sentinel
 *     cannot be asked
 * @param cause db-sentinel's cause
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatabaseStatus(String state, String cause) {

  public boolean isDown() {
    return "down".equalsIgnoreCase(state);
  }

  public static DatabaseStatus unknown(String why) {
    return new DatabaseStatus("unknown", why);
  }
}
