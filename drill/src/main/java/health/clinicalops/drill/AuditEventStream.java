package health.clinicalops.drill;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The app writing audit events to audit-keeper, one every 20 ms, remembering every id that
 * audit-keeper acknowledged (2xx): those must all end up in "AuditLog", exactly once.
 */
final class AuditEventStream implements AutoCloseable {

  static final String ACTION = "drill.note.read";

  private final ServiceProcess auditKeeper;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread sender;
  private volatile int spooledAnswers;

  AuditEventStream(ServiceProcess auditKeeper) {
    this.auditKeeper = auditKeeper;
    this.sender = new Thread(this::send, "drill-audit-stream");
    sender.setDaemon(true);
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
      ServiceProcess.Response response =
          auditKeeper.postJson("/api/v1/audit-events", LocalStack.SERVICE_TOKEN, json);
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

  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  int spooledAnswers() {
    return spooledAnswers;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    sender.join(15_000);
  }
}
