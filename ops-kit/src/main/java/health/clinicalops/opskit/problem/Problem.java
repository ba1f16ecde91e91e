package health.clinicalops.opskit.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem detail, served as {@code application/problem+json}. {@code violations} lists
 * the fields that failed validation, when that is the problem.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
    URI type,
    String title,
    int status,
    String detail,
    String instance,
    List<Violation> violations) {

  public static final String MEDIA_TYPE = "application/problem+json";

  /** One field that failed validation. */
  public record Violation(String field, String message) {}

  public static URI type(String slug) {
    return URI.create("urn:clinicalops:problem:" + slug);
  }

  public static Problem of(String slug, String title, int status, String detail) {
    return new Problem(type(slug), title, status, detail, null, List.of());
  }
}
