package health.clinicalops.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts a real Redis for a {@code @QuarkusTest} and sets {@code quarkus.redis.hosts}. Tests get
 * the server with {@code @InjectRedis} to stop and start it.
 */
public class RedisTestResource implements QuarkusTestResourceLifecycleManager {

  private EmbeddedRedisServer server;

  @Override
  public Map<String, String> start() {
    server = EmbeddedRedisServer.start();
    return Map.of("quarkus.redis.hosts", server.uri());
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(
        server,
        new TestInjector.AnnotatedAndMatchesType(InjectRedis.class, EmbeddedRedisServer.class));
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
