package health.clinicalops.opskit.clients;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.eclipse.microprofile.context.ThreadContext;

/**
 * Runs outbox deliveries without the caller's context. Quarkus' default {@link ManagedExecutor}
 * propagates the caller's JTA transaction: an audit event recorded inside a {@code @Transactional}
 * method was then delivered on the caller's database connection while that transaction committed,
 * and the commit failed.
 */
@ApplicationScoped
public class DeliveryExecutor implements Executor {

  private final ManagedExecutor executor =
      ManagedExecutor.builder()
          .propagated(ThreadContext.NONE)
          .cleared(ThreadContext.ALL_REMAINING)
          .maxAsync(2)
          .build();

  @Override
  public void execute(Runnable delivery) {
    executor.execute(delivery);
  }

  @PreDestroy
  void shutdown() {
    executor.shutdown();
  }
}
