package health.clinicalops.opskit.security;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/**
 * Bearer tokens, read from a Kubernetes Secret through environment variables (e.g. {@code
 * CLINICALOPS_SECURITY_SERVICE_TOKENS}). Several tokens per role allow rotation without downtime.
 * With no tokens configured every {@code /api} call is refused.
 */
@ConfigMapping(prefix = "clinicalops.security")
public interface SecurityConfig {

  /**
   * Tokens that grant the {@code app} role: the clinical app's, which can only send events and ask
   * checks (see {@link Roles#APP}).
   */
  Optional<List<String>> appTokens();

  /** SHA-256 digests (hex) of app tokens: what a pod holds instead of {@link #appTokens()}. */
  Optional<List<String>> appTokenSha256();

  /**
   * Tokens that grant the {@code service} role (the ops services, the pipeline, the log shipper). A
   * token named {@code <caller>.<secret>} identifies its caller (see {@link TokenRegistry}).
   */
  Optional<List<String>> serviceTokens();

  /**
   * SHA-256 digests (hex) of service tokens. The chart gives each service pod its own token and
   * only the digests of everyone else's, so one pod that leaks its environment cannot act as
   * another service.
   */
  Optional<List<String>> serviceTokenSha256();

  /** Tokens that grant the {@code operator} role (people). */
  Optional<List<String>> operatorTokens();

  /**
   * SHA-256 digests (hex) of tokens that grant the {@code operator} role: a pod checks people's
   * tokens without holding them, so a service pod that leaks its environment leaks no operator
   * token. The chart gives the services these, not {@link #operatorTokens()}.
   */
  Optional<List<String>> operatorTokenSha256();

  /** The token this service presents when it calls another service. */
  Optional<String> outboundToken();
}
