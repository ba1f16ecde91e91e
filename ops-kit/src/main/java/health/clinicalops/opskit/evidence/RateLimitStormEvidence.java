package health.clinicalops.opskit.evidence;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;

/**
 * Evidence of the "Rate Limit Overwhelmed" runbook: one policy's window, how many clients were
 * limited, the verdict (legitimate spike or abuse) and where the 429s went.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RateLimitStormEvidence(
    String policy,
    Instant windowStart,
    Instant windowEnd,
    long activeClients,
    long limitedClients,
    double limitedShare,
    long responses429,
    String verdict,
    long limitedClientsSampled,
    long sampledActiveBefore,
    List<EndpointCount> endpoints,
    List<KeyCount> topKeys)
    implements Evidence {

  public RateLimitStormEvidence {
    policy = Bounded.name(policy);
    verdict = Bounded.name(verdict);
    endpoints = Bounded.list(endpoints);
    topKeys = Bounded.list(topKeys);
  }

  @Override
  public String runbook() {
    return Runbooks.RATE_LIMIT_OVERWHELMED;
  }

  /** 429 responses of one endpoint. */
  @RegisterForReflection
  public record EndpointCount(String endpoint, long responses429) {
    public EndpointCount {
      endpoint = Bounded.name(endpoint);
    }
  }

  /** 429 responses of one client key. */
  @RegisterForReflection
  public record KeyCount(String key, long responses429) {
    public KeyCount {
      key = Bounded.name(key);
    }
  }
}
