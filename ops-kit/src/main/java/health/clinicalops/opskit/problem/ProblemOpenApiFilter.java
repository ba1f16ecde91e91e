package health.clinicalops.opskit.problem;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Documents the problem+json errors every {@code /api} operation can answer with, so clients see
 * them in {@code /q/openapi} without each resource repeating them.
 */
public class ProblemOpenApiFilter implements OASFilter {

  private static final String PROBLEM_REF = "#/components/schemas/Problem";

  private static final Map<String, String> COMMON_ERRORS =
      Map.of(
          "400", "Malformed JSON or a field that fails validation",
          "401", "No token, or a token that is not known",
          "403", "The token's role may not call this operation",
          "413", "The body is larger than the configured limit",
          "500", "An unexpected fault; the detail holds a reference to find in the logs");

  @Override
  public void filterOpenAPI(OpenAPI openAPI) {
    if (openAPI.getComponents() == null) {
      openAPI.setComponents(OASFactory.createComponents());
    }
    openAPI.getComponents().addSchema("Problem", problemSchema());
    if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
      return;
    }
    openAPI
        .getPaths()
        .getPathItems()
        .forEach(
            (path, item) -> {
              if (path.startsWith("/api/")) {
                item.getOperations().values().forEach(ProblemOpenApiFilter::addErrors);
              }
            });
  }

  private static void addErrors(Operation operation) {
    APIResponses responses = operation.getResponses();
    if (responses == null) {
      responses = OASFactory.createAPIResponses();
      operation.setResponses(responses);
    }
    for (Map.Entry<String, String> error : COMMON_ERRORS.entrySet()) {
      APIResponse existing = responses.getAPIResponse(error.getKey());
      if (existing == null) {
        responses.addAPIResponse(error.getKey(), problemResponse(error.getValue()));
      } else if (existing.getContent() == null) {
        existing.setContent(problemContent());
      }
    }
  }

  private static APIResponse problemResponse(String description) {
    return OASFactory.createAPIResponse().description(description).content(problemContent());
  }

  private static Content problemContent() {
    return OASFactory.createContent()
        .addMediaType(
            Problem.MEDIA_TYPE,
            OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
  }

  private static Schema problemSchema() {
    Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    return OASFactory.createSchema()
        .addType(Schema.SchemaType.OBJECT)
        .description("RFC 9457 problem details")
        .addProperty(
            "type", OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uri"))
        .addProperty("title", string)
        .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER))
        .addProperty("detail", string)
        .addProperty("instance", string)
        .addProperty(
            "violations",
            OASFactory.createSchema()
                .addType(Schema.SchemaType.ARRAY)
                .items(
                    OASFactory.createSchema()
                        .addType(Schema.SchemaType.OBJECT)
                        .addProperty("field", string)
                        .addProperty("message", string)))
        .addRequired("type")
        .addRequired("title")
        .addRequired("status");
  }
}
