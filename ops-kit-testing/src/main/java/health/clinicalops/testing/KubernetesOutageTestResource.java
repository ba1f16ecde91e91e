package health.clinicalops.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kubernetes test server of {@code @WithKubernetesTestServer(crud = true)}, reached by the
 * service through an {@link InterruptibleTcpProxy} so a test can take the cluster API away for a
 * while and bring it back on the same address. Use it instead of {@code @WithKubernetesTestServer}:
 * {@code @WithTestResource(KubernetesOutageTestResource.class)}; inject the proxy with
 * {@code @InjectKubernetesApiProxy InterruptibleTcpProxy api} and, as usual, the server with
 * {@code @KubernetesTestServer KubernetesServer server} (its {@code getClient()} goes to the server
 * directly: what another pod or an operator's {@code kubectl} still reaches during the outage).
 * Init args: {@code down-at-start=true} starts with the proxy cut off, so the service starts while
 * the cluster API is unreachable; {@code request-retries=<n>} sets fabric8's retries of one request
 * ({@code kubernetes.request.retry.backoffLimit}, default 10: about 20 s of backoff before a
 * failure reaches the caller, e.g. an informer's exception handler), for the test class only.
 */
public class KubernetesOutageTestResource extends KubernetesServerTestResource {

  private static final String REQUEST_RETRIES = "kubernetes.request.retry.backoffLimit";

  private InterruptibleTcpProxy proxy;
  private boolean downAtStart;
  private String requestRetries;
  private String requestRetriesBefore;

  @Override
  public void init(Map<String, String> initArgs) {
    downAtStart = Boolean.parseBoolean(initArgs.getOrDefault("down-at-start", "false"));
    requestRetries = initArgs.get("request-retries");
  }

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    KubernetesMockServer mock = server.getKubernetesMockServer();
    proxy = InterruptibleTcpProxy.start(mock.getHostName(), mock.getPort());
    // The fabric8 client of the service reads kubernetes.master as a system property, which the
    // test server's own resource has just set to the server itself.
    config.put("kubernetes.master", proxy.httpUrl());
    System.setProperty("kubernetes.master", proxy.httpUrl());
    if (requestRetries != null) {
      requestRetriesBefore = System.getProperty(REQUEST_RETRIES);
      System.setProperty(REQUEST_RETRIES, requestRetries);
    }
    if (downAtStart) {
      proxy.cut();
    }
    return config;
  }

  @Override
  public void inject(TestInjector testInjector) {
    super.inject(testInjector);
    testInjector.injectIntoFields(
        proxy,
        new TestInjector.AnnotatedAndMatchesType(
            InjectKubernetesApiProxy.class, InterruptibleTcpProxy.class));
  }

  @Override
  public void stop() {
    if (proxy != null) {
      proxy.close();
      proxy = null;
    }
    if (requestRetries != null) {
      if (requestRetriesBefore == null) {
        System.clearProperty(REQUEST_RETRIES);
      } else {
        System.setProperty(REQUEST_RETRIES, requestRetriesBefore);
      }
    }
    super.stop();
  }
}
