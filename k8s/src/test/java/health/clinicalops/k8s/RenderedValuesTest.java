package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Values reach the services: the runbooks' thresholds (defaults = the runbooks' numbers), extra
 * properties, database and Redis connections, tokens, NetworkPolicies and the ServiceMonitor.
 */
class RenderedValuesTest {

  @Test
  void defaultThresholdsAreTheRunbooks() {
    RenderedChart chart = RenderedChart.defaults();
    assertThat(chart.applicationProperties("auth-guard"))
        .containsEntry("clinicalops.auth-guard.abuse.max-failures-per-ip", "50")
        .containsEntry("clinicalops.auth-guard.abuse.window", "5m")
        .containsEntry("clinicalops.auth-guard.policies.AUTH.limit", "5")
        .containsEntry("clinicalops.auth-guard.policies.AUTH.window", "1m")
        .containsEntry("clinicalops.auth-guard.policies.WRITE.limit", "30")
        .containsEntry("clinicalops.auth-guard.policies.WRITE.window", "1m")
        .containsEntry("clinicalops.auth-guard.overwhelmed.limited-share", "0.9");
    assertThat(chart.applicationProperties("db-sentinel"))
        .containsEntry("clinicalops.db-sentinel.response.failover-delay", "40s")
        .containsEntry("clinicalops.db-sentinel.leader.lease-name", "db-sentinel-leader");
    assertThat(chart.applicationProperties("audit-keeper"))
        .containsEntry("clinicalops.audit-keeper.retention.max-age", "90d")
        .containsEntry("clinicalops.audit-keeper.probe.database-quota", "512M")
        .containsEntry("clinicalops.audit-keeper.probe.warn-ratio", "0.8")
        .containsEntry("clinicalops.audit-keeper.probe.incident-ratio", "0.9");
    assertThat(chart.applicationProperties("error-watch"))
        .containsEntry("clinicalops.error-watch.alert.threshold", "0.1")
        .containsEntry("clinicalops.error-watch.alert.duration", "5m")
        .containsEntry("clinicalops.error-watch.decision.deploy-correlation-window", "30m")
        .containsEntry("clinicalops.error-watch.deploys.namespace", "clinical-ops")
        .containsEntry("clinicalops.error-watch.deploys.watched-apps", "clinical-app");
    assertThat(chart.applicationProperties("rollback-orchestrator"))
        .containsEntry("clinicalops.rollback-orchestrator.escalation.p0-levels", "cto")
        .containsEntry(
            "clinicalops.rollback-orchestrator.escalation.p1-levels", "security-team,cto")
        .containsEntry("clinicalops.rollback-orchestrator.escalation.p1-ack-deadline", "15m");
  }

  @Test
  void dryRunIsOneValueForEveryServiceAndOffByDefault() {
    for (String service : RenderedChart.SERVICES) {
      assertThat(RenderedChart.defaults().applicationProperties(service))
          .as(service)
          .doesNotContainKey("clinicalops.dry-run");
    }
    RenderedChart dryRun = RenderedChart.render("--set", "dryRun=true");
    for (String service : RenderedChart.SERVICES) {
      assertThat(dryRun.applicationProperties(service))
          .as(service)
          .containsEntry("clinicalops.dry-run", "true");
    }
    assertThatThrownBy(() -> RenderedChart.render("--set", "dryRun=maybe"))
        .hasMessageContaining("dryRun");
  }

  @Test
  void valuesAndExtraPropertiesReachTheService() {
    RenderedChart chart =
        RenderedChart.render(
            "--set",
            "runbooks.authenticationAbuse.maxFailuresPerIp=20",
            "--set",
            "runbooks.rateLimits.WRITE.limit=60",
            "--set-string",
            "services.auth-guard.config.clinicalops\\.auth-guard\\.abuse\\.block-ttl=3h",
            "--set-string",
            "services.error-watch.config.quarkus\\.log\\.level=DEBUG");

    Properties authGuard = chart.applicationProperties("auth-guard");
    assertThat(authGuard)
        .containsEntry("clinicalops.auth-guard.abuse.max-failures-per-ip", "20")
        .containsEntry("clinicalops.auth-guard.policies.WRITE.limit", "60")
        .containsEntry("clinicalops.auth-guard.abuse.block-ttl", "3h");
    assertThat(chart.applicationProperties("error-watch"))
        .containsEntry("quarkus.log.level", "DEBUG");
    // a config change rolls the pods
    assertThat(annotation(chart, "auth-guard", "checksum/config"))
        .isNotEqualTo(annotation(RenderedChart.defaults(), "auth-guard", "checksum/config"));
    assertThat(annotation(chart, "db-sentinel", "checksum/config"))
        .isEqualTo(annotation(RenderedChart.defaults(), "db-sentinel", "checksum/config"));
  }

  @Test
  void escalationWebhooksComeFromTheirSecret() {
    RenderedChart chart = RenderedChart.production();
    assertThat(chart.applicationProperties("rollback-orchestrator"))
        .containsEntry(
            "clinicalops.rollback-orchestrator.escalation.contacts.security-team.webhook-url",
            "${CLINICALOPS_WEBHOOK_SECURITY_TEAM:}")
        .containsEntry(
            "clinicalops.rollback-orchestrator.escalation.contacts.security-team.format", "slack")
        .containsEntry("clinicalops.rollback-orchestrator.rollback.namespace", "clinical-app")
        .containsEntry(
            "clinicalops.rollback-orchestrator.rollback.health-url",
            "https://api.dramal.com/api/health");
    JsonNode webhook = env(chart, "rollback-orchestrator").get("CLINICALOPS_WEBHOOK_SECURITY_TEAM");
    assertThat(webhook.path("valueFrom").path("secretKeyRef").path("name").asText())
        .isEqualTo("clinical-ops-webhooks");
    assertThat(webhook.path("valueFrom").path("secretKeyRef").path("key").asText())
        .isEqualTo("security-team");
    assertThat(env(chart, "rollback-orchestrator"))
        .containsKeys(
            "CLINICALOPS_ROLLBACK_ORCHESTRATOR_DATABASE_ROLLBACK_JDBC_URL",
            "CLINICALOPS_ROLLBACK_ORCHESTRATOR_DATABASE_ROLLBACK_PASSWORD");
  }

  @Test
  void auditKeeperMigratesAsItsOwnLoginWhenOneIsGiven() {
    Map<String, JsonNode> production = env(RenderedChart.production(), "audit-keeper");
    for (String name : List.of("QUARKUS_FLYWAY_USERNAME", "QUARKUS_FLYWAY_PASSWORD")) {
      assertThat(production.get(name).path("valueFrom").path("secretKeyRef").path("name").asText())
          .as(name)
          .isEqualTo("clinical-audit-migrator");
    }
    assertThat(env(RenderedChart.defaults(), "audit-keeper"))
        .doesNotContainKeys("QUARKUS_FLYWAY_USERNAME", "QUARKUS_FLYWAY_PASSWORD");
  }

  @Test
  void secretsComeFromSecretsAndNeverFromTheConfigMaps() {
    RenderedChart chart = RenderedChart.defaults();
    for (String service : RenderedChart.SERVICES) {
      Map<String, JsonNode> env = env(chart, service);
      assertThat(env)
          .as(service + " holds no operator token, only their SHA-256")
          .doesNotContainKey("CLINICALOPS_SECURITY_OPERATOR_TOKENS");
      assertThat(
              env.get("CLINICALOPS_SECURITY_OPERATOR_TOKEN_SHA256")
                  .path("valueFrom")
                  .path("secretKeyRef")
                  .path("key")
                  .asText())
          .isEqualTo("operator-token-sha256");
      for (String token :
          List.of(
              "CLINICALOPS_SECURITY_SERVICE_TOKEN_SHA256",
              "CLINICALOPS_SECURITY_OPERATOR_TOKEN_SHA256",
              "CLINICALOPS_SECURITY_OUTBOUND_TOKEN")) {
        assertThat(env.get(token).path("valueFrom").path("secretKeyRef").path("name").asText())
            .as(service + " " + token)
            .isEqualTo("clinical-ops-tokens");
      }
      // Its own token, and the other services' only as digests.
      assertThat(secretKey(env, "CLINICALOPS_SECURITY_OUTBOUND_TOKEN"))
          .isEqualTo("token-" + service);
      assertThat(secretKey(env, "CLINICALOPS_SECURITY_SERVICE_TOKEN_SHA256"))
          .isEqualTo("service-token-sha256");
      assertThat(env)
          .as(service + " holds no other service's token")
          .doesNotContainKeys(
              "CLINICALOPS_SECURITY_SERVICE_TOKENS", "CLINICALOPS_SECURITY_APP_TOKENS");
      String db =
          service.equals("db-sentinel") ? "CLINICALOPS_DB_SENTINEL_PRIMARY" : "QUARKUS_DATASOURCE";
      // the services' own state in the ops database; db-sentinel and audit-keeper work on the app's
      String dbSecret =
          List.of("db-sentinel", "audit-keeper").contains(service)
              ? "clinical-app-db"
              : "clinical-ops-postgres";
      for (String suffix : List.of("_JDBC_URL", "_USERNAME", "_PASSWORD")) {
        assertThat(
                env.get(db + suffix).path("valueFrom").path("secretKeyRef").path("name").asText())
            .as(service + " " + db + suffix)
            .isEqualTo(dbSecret);
      }
      assertThat(chart.applicationProperties(service).keySet().toString())
          .doesNotContainIgnoringCase("token")
          .doesNotContainIgnoringCase("password");
    }
    // The app's token is known (by its digest) only where the app may call: auth-guard and
    // audit-keeper.
    for (String service : RenderedChart.SERVICES) {
      JsonNode appTokens = env(chart, service).get("CLINICALOPS_SECURITY_APP_TOKEN_SHA256");
      if (service.equals("auth-guard") || service.equals("audit-keeper")) {
        assertThat(appTokens.path("valueFrom").path("secretKeyRef").path("key").asText())
            .as(service)
            .isEqualTo("app-token-sha256");
      } else {
        assertThat(appTokens).as(service).isNull();
      }
    }
    Map<String, JsonNode> authGuard = env(chart, "auth-guard");
    assertThat(authGuard).containsKey("QUARKUS_DATASOURCE_APP_JDBC_URL");
    assertThat(authGuard.get("QUARKUS_REDIS_HOSTS").path("value").asText())
        .isEqualTo("redis://clinical-ops-redis:6379");
    chart.get("Deployment", "clinical-ops-redis");
  }

  @Test
  void productionUsesExternalRedisAndTheBackupDatabase() {
    RenderedChart chart = RenderedChart.production();
    assertThat(chart.find("Deployment", "clinical-ops-redis")).isEmpty();
    Map<String, JsonNode> authGuard = env(chart, "auth-guard");
    assertThat(authGuard.get("QUARKUS_REDIS_HOSTS").path("value").asText())
        .isEqualTo("redis://redis-master.redis.svc.cluster.local:6379");
    assertThat(
            authGuard
                .get("QUARKUS_REDIS_PASSWORD")
                .path("valueFrom")
                .path("secretKeyRef")
                .path("name")
                .asText())
        .isEqualTo("clinical-ops-redis");
    Map<String, JsonNode> dbSentinel = env(chart, "db-sentinel");
    assertThat(
            dbSentinel
                .get("CLINICALOPS_DB_SENTINEL_BACKUP_JDBC_URL")
                .path("valueFrom")
                .path("secretKeyRef")
                .path("name")
                .asText())
        .isEqualTo("clinical-app-db-backup");
    assertThat(chart.find("Secret", "clinical-ops-tokens")).isEmpty();
    assertThat(
            env(chart, "audit-keeper")
                .get("CLINICALOPS_SECURITY_OPERATOR_TOKEN_SHA256")
                .path("valueFrom")
                .path("secretKeyRef")
                .path("name")
                .asText())
        .isEqualTo("clinical-ops-tokens-prod");
  }

  @Test
  void onlyTheAppTheServicesAndPrometheusReachTheApis() {
    RenderedChart chart = RenderedChart.production();
    for (String service : RenderedChart.SERVICES) {
      JsonNode spec = chart.get("NetworkPolicy", service).path("spec");
      assertThat(
              spec.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText())
          .isEqualTo(service);
      assertThat(spec.path("policyTypes").toString()).contains("Ingress");
      assertThat(spec.path("ingress")).hasSize(1);
      JsonNode rule = spec.path("ingress").get(0);
      assertThat(rule.path("ports").get(0).path("port").asInt()).isEqualTo(8080);
      String from = rule.path("from").toString();
      assertThat(from)
          .contains("\"app.kubernetes.io/component\":\"ops-service\"")
          .contains("\"kubernetes.io/metadata.name\":\"clinical-app\"")
          .contains("\"app.kubernetes.io/name\":\"prometheus\"");
      assertThat(from.contains("fluent-bit")).isEqualTo(service.equals("error-watch"));
      assertThat(rule.path("from")).hasSize(service.equals("error-watch") ? 4 : 3);
    }
  }

  @Test
  void serviceMonitorScrapesMetricsOnlyWhenEnabled() {
    assertThat(RenderedChart.defaults().ofKind("ServiceMonitor")).isEmpty();
    JsonNode monitor = RenderedChart.production().get("ServiceMonitor", "clinical-ops");
    assertThat(monitor.path("metadata").path("labels").path("release").asText())
        .isEqualTo("kube-prometheus-stack");
    JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
    assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
    assertThat(endpoint.path("port").asText()).isEqualTo("http");
    // it selects the five Services (not the headless one)
    long selected =
        RenderedChart.production()
            .ofKind("Service")
            .filter(
                s ->
                    s.path("metadata")
                        .path("labels")
                        .path("app.kubernetes.io/component")
                        .asText()
                        .equals("ops-service"))
            .filter(s -> !s.path("metadata").path("labels").has("clinical-ops/headless"))
            .count();
    assertThat(selected).isEqualTo(5);
  }

  private static String annotation(RenderedChart chart, String service, String key) {
    return chart
        .workload(service)
        .path("spec")
        .path("template")
        .path("metadata")
        .path("annotations")
        .path(key)
        .asText();
  }

  private static Map<String, JsonNode> env(RenderedChart chart, String service) {
    Map<String, JsonNode> env = new HashMap<>();
    RenderedChart.podSpec(chart.workload(service))
        .path("containers")
        .get(0)
        .path("env")
        .forEach(e -> env.put(e.path("name").asText(), e));
    return env;
  }

  private static String secretKey(Map<String, JsonNode> env, String name) {
    return env.get(name).path("valueFrom").path("secretKeyRef").path("key").asText();
  }

  /** A Secret of an earlier version, with one shared service token, still works. */
  @Test
  void perServiceFalseKeepsTheSharedTokenLayout() {
    RenderedChart chart = RenderedChart.render("--set", "tokens.perService=false");
    for (String service : RenderedChart.SERVICES) {
      Map<String, JsonNode> env = env(chart, service);
      assertThat(secretKey(env, "CLINICALOPS_SECURITY_OUTBOUND_TOKEN")).isEqualTo("outbound-token");
      assertThat(secretKey(env, "CLINICALOPS_SECURITY_SERVICE_TOKENS")).isEqualTo("service-tokens");
      assertThat(env).doesNotContainKey("CLINICALOPS_SECURITY_SERVICE_TOKEN_SHA256");
    }
    assertThat(secretKey(env(chart, "audit-keeper"), "CLINICALOPS_SECURITY_APP_TOKENS"))
        .isEqualTo("app-tokens");
  }
}
