package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import health.clinicalops.rollbackorchestrator.communicate.domain.Disruption;
import health.clinicalops.rollbackorchestrator.communicate.domain.Notice;
import health.clinicalops.rollbackorchestrator.communicate.domain.NoticeStatus;
import health.clinicalops.rollbackorchestrator.communicate.domain.Subscriber;
import health.clinicalops.rollbackorchestrator.communicate.domain.SubscriptionRequest;
import health.clinicalops.rollbackorchestrator.communicate.service.DisruptionNotifier;
import health.clinicalops.testing.TestClock;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Subscriber notices through a real SMTP server (GreenMail): double opt-in, one email when an
 * outage lasts longer than 15 minutes (the clock is moved 16 minutes forward, not waited for), one
 * when it is over, none per update, none to an unconfirmed address, an unsubscribe link in each.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
@WithTestResource(value = SmtpTestResource.class, scope = TestResourceScope.GLOBAL)
class SubscriberNoticeTest {

  private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]+)");

  @Inject DisruptionNotifier notifier;

  String confirmed;
  String alsoConfirmed;
  String unconfirmed;

  @BeforeEach
  void setUp() {
    TestClock.reset();
    StatusFixtures.cleanSlate();
    notifier.check(); // closes a disruption other tests may have left open
    forgetSubscriptions();
    SmtpTestResource.purge();
    String run = UUID.randomUUID().toString().substring(0, 8);
    confirmed = "alice-" + run + "@example.org";
    unconfirmed = "bob-" + run + "@example.org";
    alsoConfirmed = "carol-" + run + "@example.org";
  }

  @AfterEach
  void tearDown() {
    TestClock.reset();
    StatusFixtures.cleanSlate();
    notifier.check();
    forgetSubscriptions();
  }

  /**
   * Leaves no subscriber behind for the other test classes, nor counted requests: every test here
   * subscribes from 127.0.0.1, and one client may subscribe five times an hour.
   */
  private static void forgetSubscriptions() {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Notice.deleteAll();
              Subscriber.deleteAll();
              SubscriptionRequest.deleteAll();
            });
  }

  @Test
  void aSixteenMinuteOutageSendsOneEmailToEachConfirmedSubscriberAndOneOnResolution() {
    subscribeAndConfirm(confirmed);
    subscribeAndConfirm(alsoConfirmed);
    subscribe(unconfirmed);
    await().atMost(Duration.ofSeconds(10)).until(() -> mails(unconfirmed).size() == 1);
    assertTrue(mails(unconfirmed).get(0).contains("Confirm the subscription"));

    // A short outage (5 simulated minutes) sends nothing.
    String brief = StatusFixtures.openWithSecrets("database-connectivity-loss", "P1");
    Disruption briefOutage = notifier.check();
    assertNotNull(briefOutage, "the outage is followed");
    TestClock.advance(Duration.ofMinutes(5));
    assertNull(notifier.check().startedNoticeAt);
    StatusFixtures.resolve(brief, null);
    // Closed by this check or already by the notifier's own timer (it runs every second).
    notifier.check();
    assertNotNull(
        QuarkusTransaction.requiringNew()
            .call(() -> Disruption.<Disruption>findById(briefOutage.id).endedAt));

    // A long one: 16 simulated minutes with updates in between.
    String id = StatusFixtures.openWithSecrets("authentication-abuse", "P1");
    Disruption outage = notifier.check();
    assertEquals(Disruption.OUTAGE, outage.kind);
    TestClock.advance(Duration.ofMinutes(5));
    StatusFixtures.publicUpdate(id, "identified", "We found the cause.");
    notifier.check();
    TestClock.advance(Duration.ofMinutes(11));
    assertNotNull(notifier.check().startedNoticeAt);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                mailsWithSubject(confirmed, "service disruption (").size() == 1
                    && mailsWithSubject(alsoConfirmed, "service disruption (").size() == 1);
    String started = mailsWithSubject(confirmed, "service disruption (").get(0);
    assertTrue(started.contains("Sign-in: Partial outage"), started);
    assertTrue(started.contains("/status/subscriptions/unsubscribe?token="), started);

    // More updates and a severity change: still that one email.
    StatusFixtures.publicUpdate(id, "monitoring", "A fix is out.");
    given()
        .header("Authorization", StatusFixtures.SERVICE)
        .contentType(ContentType.JSON)
        .body(
            """
            {"dedupKey":"x","runbook":"authentication-abuse","severity":"P0","title":"t",
             "source":"auth-guard"}
            """
                .replace("\"x\"", "\"" + dedupKeyOf(id) + "\""))
        .post("/api/v1/incidents")
        .then()
        .statusCode(200);
    TestClock.advance(Duration.ofMinutes(20));
    notifier.check();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> mails(confirmed).size() == 1);

    StatusFixtures.resolve(id, "All fixed.");
    notifier.check();
    assertNotNull(
        QuarkusTransaction.requiringNew()
            .call(() -> Disruption.<Disruption>findById(outage.id).endedNoticeAt));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> mailsWithSubject(confirmed, "service disruption resolved").size() == 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(
            () ->
                mails(confirmed).size() == 2
                    && mails(alsoConfirmed).size() == 2
                    && mails(unconfirmed).size() == 1);
    mails(confirmed)
        .forEach(
            body -> assertTrue(body.contains("/status/subscriptions/unsubscribe?token="), body));
    String resolved = mailsWithSubject(confirmed, "service disruption resolved").get(0);
    assertTrue(
        !resolved.contains(StatusFixtures.SECRET_IP)
            && !started.contains(StatusFixtures.SECRET_IP));
  }

  @Test
  void maintenanceLongerThanFifteenMinutesIsAnnouncedAndAnEmailSurvivesAnSmtpOutage() {
    subscribeAndConfirm(confirmed);
    StatusFixtures.setMode("maintenance");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> notifier.check() != null && Disruption.MAINTENANCE.equals(notifier.check().kind));
    TestClock.advance(Duration.ofMinutes(16));
    SmtpTestResource.stopServer();
    try {
      assertNotNull(notifier.check().startedNoticeAt);
      // The send fails: the email stays pending with its error, nothing is marked sent.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  QuarkusTransaction.requiringNew()
                      .call(
                          () ->
                              Notice.<Notice>list(
                                      "kind = ?1",
                                      health.clinicalops.rollbackorchestrator.communicate.domain
                                          .NoticeKind.DISRUPTION_STARTED)
                                  .stream()
                                  .anyMatch(
                                      n ->
                                          n.status == NoticeStatus.PENDING
                                              && n.attempts >= 1
                                              && n.lastError != null)));
      // Readiness stays UP (the outage is handled) and shows the email waiting.
      given()
          .get("/q/health/ready")
          .then()
          .statusCode(200)
          .body("checks.find { it.name == 'subscriber-emails' }.status", equalTo("UP"))
          .body(
              "checks.find { it.name == 'subscriber-emails' }.data.retryingEmails",
              greaterThanOrEqualTo(1));
    } finally {
      SmtpTestResource.restart();
    }
    // up to the smtp breaker's 10 s, if the failed sends opened it, and the email's backoff
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> mailsWithSubject(confirmed, "maintenance in progress").size() == 1);
    StatusFixtures.setMode("normal");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> mailsWithSubject(confirmed, "maintenance is over").size() == 1);
    assertEquals(2, mails(confirmed).size(), "maintenance start and end (confirmation was before)");
  }

  @Test
  void unsubscribingStopsTheEmails() {
    String token = subscribeAndConfirm(confirmed);
    given()
        .get("/status/subscriptions/unsubscribe?token=" + token)
        .then()
        .statusCode(200)
        .body(containsString("<form method=\"post\" action=\"/status/subscriptions/unsubscribe\""));
    given()
        .contentType(ContentType.URLENC)
        .formParam("token", token)
        .post("/status/subscriptions/unsubscribe")
        .then()
        .statusCode(200)
        .body(containsString("Unsubscribed"));
    given().get("/status/subscriptions/unsubscribe?token=" + token).then().statusCode(404);
    SmtpTestResource.purge();
    String id = StatusFixtures.openWithSecrets("authentication-abuse", "P0");
    notifier.check();
    TestClock.advance(Duration.ofMinutes(16));
    assertNotNull(notifier.check().startedNoticeAt);
    StatusFixtures.resolve(id, null);
    notifier.check();
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> mails(confirmed).isEmpty());
  }

  /** Subscribes and confirms through the emailed link; returns the token; forgets the email. */
  private String subscribeAndConfirm(String email) {
    subscribe(email);
    await().atMost(Duration.ofSeconds(10)).until(() -> mails(email).size() == 1);
    String body = mails(email).get(0);
    assertTrue(body.contains("/status/subscriptions/confirm?token="), body);
    String token = tokenFrom(body);
    given()
        .get("/status/subscriptions/confirm?token=" + token)
        .then()
        .statusCode(200)
        .body(containsString("Confirm subscription"))
        .body(containsString("lasts longer than 15 minutes"));
    given()
        .contentType(ContentType.URLENC)
        .formParam("token", token)
        .post("/status/subscriptions/confirm")
        .then()
        .statusCode(200)
        .body(containsString("Subscription confirmed"));
    SmtpTestResource.purge();
    return token;
  }

  private static void subscribe(String email) {
    given()
        .contentType(ContentType.URLENC)
        .formParam("email", email)
        .post("/status/subscriptions")
        .then()
        .statusCode(200)
        .body(containsString("Check your inbox"));
  }

  private static String tokenFrom(String body) {
    Matcher m = TOKEN.matcher(body);
    assertTrue(m.find(), body);
    return m.group(1);
  }

  private static String dedupKeyOf(String id) {
    return given()
        .header("Authorization", StatusFixtures.OPERATOR)
        .get("/api/v1/incidents/" + id)
        .then()
        .extract()
        .path("dedupKey");
  }

  private static List<String> mails(String address) {
    return SmtpTestResource.receivedBy(address).stream().map(SmtpTestResource::text).toList();
  }

  private static List<String> mailsWithSubject(String address, String part) {
    return SmtpTestResource.receivedBy(address).stream()
        .filter(
            m -> {
              try {
                return m.getSubject().contains(part);
              } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .map(SmtpTestResource::text)
        .toList();
  }
}
