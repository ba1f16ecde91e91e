package health.clinicalops.rollbackorchestrator.communicate.rest;

import health.clinicalops.opskit.problem.ProblemException;
import health.clinicalops.rollbackorchestrator.communicate.service.PublicStatusCache;
import health.clinicalops.rollbackorchestrator.communicate.service.StatusDocuments;
import health.clinicalops.rollbackorchestrator.communicate.service.StatusPageService;
import health.clinicalops.rollbackorchestrator.communicate.service.StatusSnapshot;
import health.clinicalops.rollbackorchestrator.communicate.service.SubscriptionService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The public status page (server-rendered, no JavaScript), its Atom feed and the email subscription
 * pages. Public: no token. Shows only public text (see {@link StatusPageService}).
 */
@Path("/status")
@PermitAll
public class StatusPageResource {

  static final String ATOM = "application/atom+xml";

  /** The page's templates (src/main/resources/templates/StatusPageResource). */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance page(StatusSnapshot status);

    static native TemplateInstance message(
        String pageName,
        String heading,
        String text,
        String formAction,
        String token,
        String button);
  }

  private final StatusPageService statusPage;
  private final PublicStatusCache publicStatus;
  private final StatusDocuments documents;
  private final SubscriptionService subscriptions;

  StatusPageResource(
      StatusPageService statusPage,
      PublicStatusCache publicStatus,
      StatusDocuments documents,
      SubscriptionService subscriptions) {
    this.statusPage = statusPage;
    this.publicStatus = publicStatus;
    this.documents = documents;
    this.subscriptions = subscriptions;
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance page() {
    return Templates.page(publicStatus.current());
  }

  /** Atom feed of the incidents' public updates. */
  @GET
  @Path("/feed.atom")
  @Produces(ATOM)
  public String feed() {
    return documents.atom(publicStatus.current());
  }

  /**
   * Subscribes an address (the page's form); the answer never says whether it was known. Refusals
   * (not an address: 400; beyond a limit: 429 with {@code Retry-After}) are problem+json, or a page
   * for a browser (one that asks for HTML).
   */
  @POST
  @Path("/subscriptions")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.TEXT_HTML)
  public Response subscribe(
      @FormParam("email") String email,
      @Context HttpHeaders headers,
      @Context HttpServerRequest request) {
    try {
      subscriptions.subscribe(email, remoteAddress(request));
    } catch (ProblemException e) {
      if (!asksForHtml(headers)) {
        throw e;
      }
      return refusedPage(e);
    }
    return Response.ok(
            message(
                "Check your inbox",
                "If the address can receive email, a confirmation link is on its way. You get"
                    + " status emails only after you confirm.",
                null,
                null,
                null))
        .build();
  }

  /**
   * The connection's remote address: no forwarded header is read here; Quarkus puts the visitor's
   * address there when {@code quarkus.http.proxy.*} trusts the proxy in front (see the README).
   */
  private static String remoteAddress(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }

  private static boolean asksForHtml(HttpHeaders headers) {
    return headers.getAcceptableMediaTypes().stream()
        .anyMatch(t -> "text".equals(t.getType()) && "html".equals(t.getSubtype()));
  }

  private Response refusedPage(ProblemException refusal) {
    if (refusal.status() == 429) {
      long seconds =
          refusal.retryAfter().map(d -> Math.max(1, (d.toMillis() + 999) / 1000)).orElse(1L);
      long minutes = (seconds + 59) / 60;
      return Response.status(429)
          .header("Retry-After", seconds)
          .entity(
              message(
                  "Too many subscription requests",
                  "Please try again in " + minutes + (minutes == 1 ? " minute." : " minutes."),
                  null,
                  null,
                  null))
          .build();
    }
    return Response.status(refusal.status())
        .entity(
            message(
                "That is not an email address",
                "Please go back and check the address you typed.",
                null,
                null,
                null))
        .build();
  }

  /** The confirmation link: a page with a button (a link scanner's GET confirms nothing). */
  @GET
  @Path("/subscriptions/confirm")
  @Produces(MediaType.TEXT_HTML)
  public Response confirmPage(@QueryParam("token") String token) {
    if (!subscriptions.known(token)) {
      return unknownLink();
    }
    return Response.ok(
            message(
                "Confirm your subscription",
                "Confirm that you want an email when an outage or maintenance lasts longer than "
                    + statusPage.noticeAfterText()
                    + ", and one when it is over.",
                "/status/subscriptions/confirm",
                token,
                "Confirm subscription"))
        .build();
  }

  @POST
  @Path("/subscriptions/confirm")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.TEXT_HTML)
  public Response confirm(@FormParam("token") String token) {
    if (!subscriptions.confirm(token)) {
      return unknownLink();
    }
    return Response.ok(
            message(
                "Subscription confirmed",
                "You will get an email when an outage or maintenance lasts longer than "
                    + statusPage.noticeAfterText()
                    + ", and one when it is over. Every email has an unsubscribe link.",
                null,
                null,
                null))
        .build();
  }

  /** The unsubscribe link of every email: a page with a button. */
  @GET
  @Path("/subscriptions/unsubscribe")
  @Produces(MediaType.TEXT_HTML)
  public Response unsubscribePage(@QueryParam("token") String token) {
    if (!subscriptions.known(token)) {
      return unknownLink();
    }
    return Response.ok(
            message(
                "Unsubscribe",
                "Stop receiving status emails at this address.",
                "/status/subscriptions/unsubscribe",
                token,
                "Unsubscribe"))
        .build();
  }

  @POST
  @Path("/subscriptions/unsubscribe")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.TEXT_HTML)
  public Response unsubscribe(@FormParam("token") String token) {
    if (!subscriptions.unsubscribe(token)) {
      return unknownLink();
    }
    return Response.ok(
            message(
                "Unsubscribed",
                "You will not get status emails any more. The address has been deleted.",
                null,
                null,
                null))
        .build();
  }

  private Response unknownLink() {
    return Response.status(404)
        .entity(
            message(
                "Link not valid",
                "This link is not (or no longer) valid. You may already have unsubscribed.",
                null,
                null,
                null))
        .build();
  }

  private TemplateInstance message(
      String heading, String text, String formAction, String token, String button) {
    return Templates.message(statusPage.pageName(), heading, text, formAction, token, button);
  }
}
