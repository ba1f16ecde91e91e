package health.clinicalops.drill;

import health.clinicalops.testing.ServiceProcess;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The app writing audit events to audit-keeper, one every 20 ms, remembering every id that
 * audit-keeper acknowledged (2xx): those must all end up in "AuditLog", exactly once. A {@link
 * #retrying} stream behaves like the services' outboxes: a call that gets no answer within the
 * timeout is sent again with the same id until it is acknowledged.
 */
final class AuditEventStream implements AutoCloseable {

  static final String ACTION = "drill.note.read";

  private final ServiceProcess auditKeeper;
  private final Duration timeout;
  private final boolean retry;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread sender;
  private volatile int spooledAnswers;
  private volatile int retries;

  AuditEventStream(ServiceProcess auditKeeper) {
    this(auditKeeper, Duration.ofSeconds(10), false);
  }

  private AuditEventStream(ServiceProcess auditKeeper, Duration timeout, boolean retry) {
    this.auditKeeper = auditKeeper;
    this.timeout = timeout;
    this.retry = retry;
    this.sender = new Thread(this::send, "drill-audit-stream");
    sender.setDaemon(true);
  }

  /** A stream whose calls time out after {@code timeout} and are retried with the same id. */
  static AuditEventStream retrying(ServiceProcess auditKeeper, Duration timeout) {
    return new AuditEventStream(auditKeeper, timeout, true);
  }

  void start() {
    sender.start();
  }

  private void send() {
    int n = 0;
    while (running.get()) {
      String id = UUID.randomUUID().toString();
      String json =
          "{\"id\":\""
              + id
              + "\",\"userId\":\"u-"
              + (1 + n % 50)
              + "\",\"action\":\""
              + ACTION
              + "\",\"details\":{\"noteId\":\"n-"
              + n
              + "\"},\"timestamp\":\""
              + Instant.now()
              + "\",\"ipAddress\":\"10.0.0."
              + (1 + n % 200)
              + "\"}";
      ServiceProcess.Response response = post(json);
      while (retry && !response.ok() && running.get()) {
        retries++;
        response = post(json);
      }
      if (response.ok()) {
        acknowledged.add(id);
        if (response.status() == 202) {
          spooledAnswers++;
        }
      }
      n++;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private ServiceProcess.Response post(String json) {
    return auditKeeper.send(
        "POST", "/api/v1/audit-events", LocalStack.APP_TOKEN, "application/json", json, timeout);
  }

  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  int spooledAnswers() {
    return spooledAnswers;
  }

  /** Calls sent again because the one before got no answer in time. */
  int retries() {
    return retries;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    sender.join(15_000);
  }
}
