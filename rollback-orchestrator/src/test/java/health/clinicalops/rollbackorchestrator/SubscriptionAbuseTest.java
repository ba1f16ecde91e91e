package health.clinicalops.rollbackorchestrator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import health.clinicalops.rollbackorchestrator.communicate.service.DisruptionNotifier;
import health.clinicalops.testing.EmbeddedPostgresServer;
import health.clinicalops.testing.InjectPostgres;
import health.clinicalops.testing.TestClock;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The public subscribe form under abuse (issue 18, item 11): limits per client address and overall
 * (429 problem, nothing stored, nothing sent), one subscriber per mailbox whatever its {@code
 * +alias}, unconfirmed subscriptions purged, and outage notices that never wait behind confirmation
 * emails. Requests come from several loopback addresses (127.0.0.x): the service counts the
 * connection's remote address.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@WithTestResource(OrchestratorPostgresResource.class)
@WithTestResource(value = SmtpTestResource.class, scope = TestResourceScope.GLOBAL)
class SubscriptionAbuseTest {

  private static final String DATABASE = "orchestrator";

  @InjectPostgres EmbeddedPostgresServer postgres;

  @Inject DisruptionNotifier notifier;

  String run;

  @BeforeEach
  void setUp() {
    TestClock.reset();
    StatusFixtures.cleanSlate();
    notifier.check();
    forgetSubscriptions();
    SmtpTestResource.purge();
    run = UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void tearDown() {
    TestClock.reset();
    StatusFixtures.cleanSlate();
    notifier.check();
    forgetSubscriptions();
    SmtpTestResource.purge();
  }

  @Test
  void oneClientAddressMaySubscribeFiveTimesAnHour() {
    for (int i = 1; i <= 5; i++) {
      subscribe(from("127.0.0.2"), "limited-" + i + "-" + run + "@example.org")
          .then()
          .statusCode(200);
    }
    String refused = "limited-6-" + run + "@example.org";
    Response response = subscribe(from("127.0.0.2"), refused);
    response
        .then()
        .statusCode(429)
        .contentType("application/problem+json")
        .body("status", equalTo(429))
        .body("title", equalTo("Too many requests"));
    assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(3500L, 3600L);
    assertThat(subscriberEmails()).doesNotContain(refused).hasSize(5);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(recipients()).hasSize(5).doesNotContain(refused));

    // A browser gets a page saying so, with the same status.
    from("127.0.0.2")
        .accept("text/html,application/xhtml+xml,*/*;q=0.8")
        .contentType(ContentType.URLENC)
        .formParam("email", refused)
        .post("/status/subscriptions")
        .then()
        .statusCode(429)
        .contentType(ContentType.HTML)
        .header("Retry-After", Long::parseLong, org.hamcrest.Matchers.greaterThan(3000L))
        .body(containsString("Too many subscription requests"));

    // Other clients are not affected, and an hour later this one may subscribe again.
    subscribe(from("127.0.0.3"), "other-" + run + "@example.org").then().statusCode(200);
    TestClock.advance(Duration.ofMinutes(61));
    subscribe(from("127.0.0.2"), refused).then().statusCode(200);
    assertThat(subscriberEmails()).contains(refused).hasSize(7);
  }

  @Test
  void subscriptionsAreLimitedOverallPerHour() {
    // 1,000 requests (the default max-per-hour) from as many clients, half an hour ago.
    sql(
        "INSERT INTO rollback_orchestrator.subscription_request (client, requested_at)"
            + " SELECT '198.51.100.' || (n % 250) || '-' || n, now() - interval '30 minutes'"
            + " FROM generate_series(1, 1000) AS n");
    String refused = "overall-" + run + "@example.org";
    Response response = subscribe(from("127.0.0.4"), refused);
    response.then().statusCode(429).contentType("application/problem+json");
    assertThat(Long.parseLong(response.header("Retry-After"))).isBetween(1700L, 1801L);
    assertThat(subscriberEmails()).isEmpty();
    assertThat(count("SELECT count(*) FROM rollback_orchestrator.notice")).isZero();
  }

  @Test
  void atMostTenThousandSubscriptionsWaitForConfirmation() {
    sql(
        "INSERT INTO rollback_orchestrator.subscriber (email, mailbox, token, created_at)"
            + " SELECT 'pending-' || n || '@example.org', 'pending-' || n || '@example.org',"
            + " 'pending-token-' || n, now() FROM generate_series(1, 10000) AS n");
    String refused = "one-too-many-" + run + "@example.org";
    Response response = subscribe(from("127.0.0.5"), refused);
    response.then().statusCode(429).contentType("application/problem+json");
    assertThat(Long.parseLong(response.header("Retry-After"))).isPositive();
    assertThat(subscriberEmails()).doesNotContain(refused).hasSize(10_000);
    assertThat(count("SELECT count(*) FROM rollback_orchestrator.notice")).isZero();
  }

  @Test
  void plusAliasesOfOneMailboxAreOneSubscriber() {
    String typedFirst = "jane-" + run + "+news@clinic.org";
    subscribe(from("127.0.0.6"), typedFirst).then().statusCode(200);
    subscribe(from("127.0.0.6"), "Jane-" + run + "+status@Clinic.org").then().statusCode(200);
    subscribe(from("127.0.0.6"), "JANE-" + run + "@CLINIC.org").then().statusCode(200);

    // One subscriber, one confirmation email, sent to the address first typed.
    assertThat(subscriberEmails()).containsExactly(typedFirst);
    assertThat(count("SELECT count(*) FROM rollback_orchestrator.notice")).isEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(recipients()).containsExactly(typedFirst));
  }

  @Test
  void theMigrationGivesExistingSubscribersOneRowPerMailbox() throws SQLException {
    String database = "subscribers_v3_" + run.replace('-', '_');
    postgres.createDatabase(database);
    migrate(database, "3");
    // Rows as the earlier version wrote them (lower-cased, one per address).
    postgres.execute(
        database,
        """
        INSERT INTO rollback_orchestrator.subscriber (id, email, token, created_at, confirmed_at)
        VALUES (1, 'jane+news@clinic.org', 't1', '2026-01-01T10:00:00Z', NULL),
               (2, 'jane+status@clinic.org', 't2', '2026-01-01T10:05:00Z', '2026-01-01T10:06:00Z'),
               (3, 'jane@clinic.org', 't3', '2026-01-01T10:10:00Z', '2026-01-01T10:11:00Z'),
               (4, 'bob@clinic.org', 't4', '2026-01-01T10:00:00Z', NULL),
               (5, 'ann+a@clinic.org', 't5', '2026-01-01T09:00:00Z', NULL),
               (6, 'ann+b@clinic.org', 't6', '2026-01-01T08:00:00Z', NULL),
               (7, '+only@clinic.org', 't7', '2026-01-01T08:00:00Z', NULL);
        INSERT INTO rollback_orchestrator.notice
          (subscriber_id, kind, subject, body, status, created_at, next_attempt_at)
        VALUES (1, 'CONFIRMATION', 's', 'b', 'SENT', now(), now());
        """);
    migrate(database, null);

    // Per mailbox the confirmed row is kept (the earliest confirmed), else the earliest one.
    try (Connection c = postgres.connect(database);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT id, email, mailbox FROM rollback_orchestrator.subscriber ORDER BY id");
        ResultSet rs = s.executeQuery()) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
      assertThat(rows)
          .containsExactly(
              "2 jane+status@clinic.org jane@clinic.org",
              "4 bob@clinic.org bob@clinic.org",
              "6 ann+b@clinic.org ann@clinic.org",
              "7 +only@clinic.org +only@clinic.org");
    }
    assertThatThrownBy(
            () ->
                postgres.execute(
                    database,
                    "INSERT INTO rollback_orchestrator.subscriber"
                        + " (email, mailbox, token, created_at)"
                        + " VALUES ('jane+x@clinic.org', 'jane@clinic.org', 't8', now())"))
        .hasMessageContaining("subscriber_mailbox");
  }

  @Test
  void subscriptionsNotConfirmedWithinADayAreDeleted() {
    String kept = "kept-" + run + "@example.org";
    String expired = "expired-" + run + "@example.org";
    String recent = "recent-" + run + "@example.org";
    subscribe(from("127.0.0.7"), kept).then().statusCode(200);
    given()
        .contentType(ContentType.URLENC)
        .formParam("token", tokenOf(kept))
        .post("/status/subscriptions/confirm")
        .then()
        .statusCode(200);
    subscribe(from("127.0.0.7"), expired).then().statusCode(200);
    String expiredToken = tokenOf(expired);
    TestClock.advance(Duration.ofHours(23));
    subscribe(from("127.0.0.7"), recent).then().statusCode(200);
    TestClock.advance(Duration.ofHours(2));

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(subscriberEmails()).containsExactlyInAnyOrder(kept, recent));
    given().get("/status/subscriptions/confirm?token=" + expiredToken).then().statusCode(404);
  }

  @Test
  void anOutageNoticeIsNotDelayedByTenThousandConfirmationEmails() {
    String confirmed = "reader-" + run + "@example.org";
    subscribe(from("127.0.0.8"), confirmed).then().statusCode(200);
    given()
        .contentType(ContentType.URLENC)
        .formParam("token", tokenOf(confirmed))
        .post("/status/subscriptions/confirm")
        .then()
        .statusCode(200);
    // A burst of confirmation emails, all due before the outage notice is queued.
    sql(
        "INSERT INTO rollback_orchestrator.subscriber (email, mailbox, token, created_at)"
            + " SELECT 'burst-' || n || '@example.org', 'burst-' || n || '@example.org',"
            + " 'burst-token-' || n, now() FROM generate_series(1, 10000) AS n");
    sql(
        "INSERT INTO rollback_orchestrator.notice"
            + " (subscriber_id, kind, subject, body, status, created_at, next_attempt_at)"
            + " SELECT id, 'CONFIRMATION', 'Confirm your subscription', 'burst', 'PENDING',"
            + " now() - interval '1 minute', now() - interval '1 minute'"
            + " FROM rollback_orchestrator.subscriber WHERE email LIKE 'burst-%'");

    StatusFixtures.openWithSecrets("authentication-abuse", "P1");
    notifier.check();
    TestClock.advance(Duration.ofMinutes(16));
    assertThat(notifier.check().startedNoticeAt).isNotNull();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(subjectsReceivedBy(confirmed))
                    .anyMatch(s -> s.contains("service disruption (")));
    assertThat(
            count(
                "SELECT count(*) FROM rollback_orchestrator.notice"
                    + " WHERE kind = 'CONFIRMATION' AND status = 'PENDING'"))
        .as("confirmation emails still waiting when the outage notice went out")
        .isGreaterThan(5_000);
  }

  private static RequestSpecification from(String localAddress) {
    InetAddress address;
    try {
      address = InetAddress.getByName(localAddress);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    return given()
        .baseUri("http://127.0.0.1")
        .config(
            RestAssured.config()
                .httpClient(
                    HttpClientConfig.httpClientConfig()
                        .setParam("http.route.local-address", address)));
  }

  private static Response subscribe(RequestSpecification client, String email) {
    return client
        .contentType(ContentType.URLENC)
        .formParam("email", email)
        .post("/status/subscriptions");
  }

  private void migrate(String database, String target) {
    var flyway =
        Flyway.configure()
            .dataSource(postgres.jdbcUrl(database), postgres.username(), postgres.password())
            .schemas("rollback_orchestrator")
            .defaultSchema("rollback_orchestrator")
            .createSchemas(true)
            .locations("filesystem:src/main/resources/db/migration");
    if (target != null) {
      flyway.target(target);
    }
    flyway.load().migrate();
  }

  private String tokenOf(String email) {
    try (Connection c = postgres.connect(DATABASE);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT token FROM rollback_orchestrator.subscriber WHERE email = ?")) {
      s.setString(1, email);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("a subscriber " + email).isTrue();
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> subscriberEmails() {
    try (Connection c = postgres.connect(DATABASE);
        PreparedStatement s =
            c.prepareStatement("SELECT email FROM rollback_orchestrator.subscriber ORDER BY id");
        ResultSet rs = s.executeQuery()) {
      List<String> emails = new ArrayList<>();
      while (rs.next()) {
        emails.add(rs.getString(1));
      }
      return emails;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private long count(String query) {
    try (Connection c = postgres.connect(DATABASE);
        PreparedStatement s = c.prepareStatement(query);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void sql(String statement) {
    postgres.execute(DATABASE, statement);
  }

  private void forgetSubscriptions() {
    sql("DELETE FROM rollback_orchestrator.subscriber");
    sql("DELETE FROM rollback_orchestrator.subscription_request");
  }

  private static List<String> recipients() {
    return SmtpTestResource.received().stream()
        .flatMap(m -> Arrays.stream(allRecipients(m)))
        .map(Address::toString)
        .toList();
  }

  private static List<String> subjectsReceivedBy(String address) {
    return SmtpTestResource.receivedBy(address).stream()
        .map(
            m -> {
              try {
                return m.getSubject();
              } catch (MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  private static Address[] allRecipients(MimeMessage message) {
    try {
      return message.getAllRecipients();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }
}
