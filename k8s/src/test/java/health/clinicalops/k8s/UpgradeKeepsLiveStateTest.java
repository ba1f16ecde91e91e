package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An upgrade never undoes what the services and operators wrote: the chart renders the live
 * ops-state ConfigMap's data and the live tokens back (Helm {@code lookup}, exercised here with
 * {@code helm template --dry-run=server} against {@link FakeKubernetesApi} holding live objects),
 * and a first install starts in {@code mode: normal} with freshly generated tokens.
 */
class UpgradeKeepsLiveStateTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeKubernetesApi api;
  private Path kubeconfig;

  @BeforeEach
  void startApi() throws IOException {
    api = new FakeKubernetesApi();
    kubeconfig = api.writeKubeconfig(KubeTools.buildDir().resolve("kube-home/upgrade-kubeconfig"));
  }

  @AfterEach
  void stopApi() {
    api.close();
  }

  @Test
  void firstInstallStartsInNormalModeWithGeneratedTokens() {
    RenderedChart first = renderAgainstCluster();
    RenderedChart second = renderAgainstCluster();

    JsonNode opsState = first.get("ConfigMap", "clinical-ops-state");
    assertThat(opsState.path("data").path("mode").asText()).isEqualTo("normal");
    assertThat(opsState.path("data").path("database.target").asText()).isEqualTo("primary");
    assertThat(
            opsState.path("metadata").path("annotations").path("helm.sh/resource-policy").asText())
        .isEqualTo("keep");

    JsonNode tokens = first.get("Secret", "clinical-ops-tokens").path("data");
    String serviceToken = decode(tokens.path("outbound-token"));
    assertThat(serviceToken).hasSize(48).isEqualTo(decode(tokens.path("service-tokens")));
    assertThat(decode(tokens.path("operator-tokens"))).hasSize(48).isNotEqualTo(serviceToken);
    assertThat(decode(tokens.path("app-tokens")))
        .hasSize(48)
        .isNotEqualTo(serviceToken)
        .isNotEqualTo(decode(tokens.path("operator-tokens")));
    // each service a token of its own, named by the service; the pods know them by their digests
    List<String> digests = List.of(decode(tokens.path("service-token-sha256")).split(","));
    for (String service : RenderedChart.SERVICES) {
      String own = decode(tokens.path("token-" + service));
      assertThat(own).matches(service.replace("-", "\\-") + "\\.[A-Za-z0-9]{40}");
      assertThat(digests).contains(sha256Hex(own));
    }
    assertThat(digests).hasSize(6).contains(sha256Hex(serviceToken));
    assertThat(decode(tokens.path("app-token-sha256")))
        .isEqualTo(sha256Hex(decode(tokens.path("app-tokens"))));
    // nothing live: each render generates new tokens
    assertThat(
            decode(second.get("Secret", "clinical-ops-tokens").path("data").path("outbound-token")))
        .isNotEqualTo(serviceToken);
    assertThat(api.requests)
        .contains(
            "GET /api/v1/namespaces/clinical-ops/configmaps/clinical-ops-state",
            "GET /api/v1/namespaces/clinical-ops/secrets/clinical-ops-tokens");
  }

  @Test
  void upgradeKeepsTheLiveOpsStateAndTokens() {
    ObjectNode liveState = object("v1", "ConfigMap", "clinical-ops-state");
    liveState
        .putObject("data")
        .put("mode", "maintenance")
        .put("mode.reason", "database rollback")
        .put("mode.setBy", "alice")
        .put("database.target", "backup")
        .put("ratelimit.override.WRITE", "60/1m;expiresAt=2026-11-27T06:00:00Z");
    api.put(liveState);
    ObjectNode liveTokens = object("v1", "Secret", "clinical-ops-tokens");
    liveTokens
        .putObject("data")
        .put("service-tokens", encode("new-app-token,old-app-token"))
        .put("outbound-token", encode("new-app-token"))
        .put("operator-tokens", encode("operator-token-1"))
        .put("app-tokens", encode("the-apps-token"));
    api.put(liveTokens);

    RenderedChart upgrade = renderAgainstCluster();

    assertThat(upgrade.get("ConfigMap", "clinical-ops-state").path("data"))
        .isEqualTo(liveState.path("data"));
    JsonNode tokens = upgrade.get("Secret", "clinical-ops-tokens").path("data");
    assertThat(decode(tokens.path("service-tokens"))).isEqualTo("new-app-token,old-app-token");
    assertThat(decode(tokens.path("outbound-token"))).isEqualTo("new-app-token");
    assertThat(decode(tokens.path("operator-tokens"))).isEqualTo("operator-token-1");
    assertThat(decode(tokens.path("app-tokens"))).isEqualTo("the-apps-token");
    assertThat(decode(tokens.path("operator-token-sha256")))
        .isEqualTo(sha256Hex("operator-token-1"));
    // The shared token of before stays accepted (the pipeline's now) next to the new per-service
    // tokens, so pods of both versions understand each other during the rolling upgrade.
    assertThat(decode(tokens.path("service-token-sha256")).split(","))
        .hasSize(7)
        .contains(sha256Hex("new-app-token"), sha256Hex("old-app-token"))
        .contains(sha256Hex(decode(tokens.path("token-audit-keeper"))));
  }

  @Test
  void upgradeKeepsTheLivePerServiceTokens() {
    ObjectNode liveTokens = object("v1", "Secret", "clinical-ops-tokens");
    liveTokens
        .putObject("data")
        .put("service-tokens", encode("pipeline.live-pipeline-token-0123"))
        .put("outbound-token", encode("old-shared"))
        .put("token-audit-keeper", encode("audit-keeper.live-audit-keeper-token"))
        .put("operator-tokens", encode("operator-token-1"));
    api.put(liveTokens);

    JsonNode tokens = renderAgainstCluster().get("Secret", "clinical-ops-tokens").path("data");
    assertThat(decode(tokens.path("token-audit-keeper")))
        .isEqualTo("audit-keeper.live-audit-keeper-token");
    assertThat(decode(tokens.path("token-error-watch"))).startsWith("error-watch.");
    assertThat(decode(tokens.path("service-token-sha256")).split(","))
        .contains(
            sha256Hex("audit-keeper.live-audit-keeper-token"),
            sha256Hex("pipeline.live-pipeline-token-0123"));
  }

  @Test
  void theOpsDatabaseSecretIsGeneratedOnceAndKeptOnUpgrade() {
    JsonNode first = renderAgainstCluster().get("Secret", "clinical-ops-postgres").path("data");
    JsonNode again = renderAgainstCluster().get("Secret", "clinical-ops-postgres").path("data");
    assertThat(decode(first.path("password"))).matches("[A-Za-z0-9]{40}");
    // nothing live: a first install generates a new password each time
    assertThat(decode(again.path("password"))).isNotEqualTo(decode(first.path("password")));
    assertThat(api.requests)
        .contains("GET /api/v1/namespaces/clinical-ops/secrets/clinical-ops-postgres");

    ObjectNode live = object("v1", "Secret", "clinical-ops-postgres");
    live.putObject("data")
        .put("username", encode("ops_owner"))
        .put("password", encode("the-live-password"))
        .put("jdbc-url", encode("jdbc:postgresql://clinical-ops-postgres:5432/ops"));
    api.put(live);

    // the database was initialised with the live login: an upgrade keeps it, whatever the values
    JsonNode upgrade =
        renderAgainstCluster("--set", "opsDatabase.bundled.username=someone_else")
            .get("Secret", "clinical-ops-postgres")
            .path("data");
    assertThat(decode(upgrade.path("username"))).isEqualTo("ops_owner");
    assertThat(decode(upgrade.path("password"))).isEqualTo("the-live-password");
    assertThat(decode(upgrade.path("jdbc-url")))
        .isEqualTo("jdbc:postgresql://clinical-ops-postgres:5432/ops");
  }

  @Test
  void explicitTokensWinOverTheLiveOnes() {
    ObjectNode liveTokens = object("v1", "Secret", "clinical-ops-tokens");
    liveTokens
        .putObject("data")
        .put("service-tokens", encode("live"))
        .put("outbound-token", encode("live"))
        .put("operator-tokens", encode("live-operator"));
    api.put(liveTokens);

    RenderedChart upgrade =
        renderAgainstCluster(
            "--set", "tokens.serviceToken=rotated", "--set", "tokens.operatorToken=rotated-op");

    JsonNode tokens = upgrade.get("Secret", "clinical-ops-tokens").path("data");
    assertThat(decode(tokens.path("service-tokens"))).isEqualTo("rotated");
    assertThat(decode(tokens.path("outbound-token"))).isEqualTo("rotated");
    assertThat(decode(tokens.path("operator-tokens"))).isEqualTo("rotated-op");
  }

  private RenderedChart renderAgainstCluster(String... extra) {
    String[] args = new String[7 + extra.length];
    args[0] = "template";
    args[1] = RenderedChart.RELEASE;
    args[2] = KubeTools.chartDir().toString();
    args[3] = "--namespace";
    args[4] = RenderedChart.NAMESPACE;
    args[5] = "--dry-run=server";
    // the fake API serves no OpenAPI documents; SchemaCheckTest checks the schema instead
    args[6] = "--disable-openapi-validation";
    System.arraycopy(extra, 0, args, 7, extra.length);
    KubeTools.ProcessResult result =
        KubeTools.helm(Map.of("KUBECONFIG", kubeconfig.toString()), args);
    assertThat(result.exitCode()).as(result.output()).isZero();
    return new RenderedChart(result.output(), RenderedChart.parse(result.output()));
  }

  private static ObjectNode object(String apiVersion, String kind, String name) {
    ObjectNode object = JSON.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
    // as a previous install of the release left it: owned by Helm
    ObjectNode metadata =
        object
            .putObject("metadata")
            .put("name", name)
            .put("namespace", RenderedChart.NAMESPACE)
            .put("resourceVersion", "4711");
    metadata.putObject("labels").put("app.kubernetes.io/managed-by", "Helm");
    metadata
        .putObject("annotations")
        .put("meta.helm.sh/release-name", RenderedChart.RELEASE)
        .put("meta.helm.sh/release-namespace", RenderedChart.NAMESPACE)
        .put("helm.sh/resource-policy", "keep");
    return object;
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(JsonNode value) {
    return new String(Base64.getDecoder().decode(value.asText()), StandardCharsets.UTF_8);
  }

  private static String sha256Hex(String text) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
