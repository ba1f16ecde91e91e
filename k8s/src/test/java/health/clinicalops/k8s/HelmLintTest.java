package health.clinicalops.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code helm lint --strict}: the chart is well-formed with the default and production values. */
class HelmLintTest {

  @Test
  void lintsStrictlyWithDefaultValues() {
    KubeTools.ProcessResult lint =
        KubeTools.helm(Map.of(), "lint", "--strict", KubeTools.chartDir().toString());

    assertThat(lint.exitCode()).as(lint.output()).isZero();
    assertThat(lint.output()).contains("0 chart(s) failed");
  }

  @Test
  void lintsStrictlyWithProductionValues() {
    KubeTools.ProcessResult lint =
        KubeTools.helm(
            Map.of(),
            "lint",
            "--strict",
            KubeTools.chartDir().toString(),
            "-f",
            KubeTools.chartDir().resolve("values-production.yaml").toString());

    assertThat(lint.exitCode()).as(lint.output()).isZero();
    assertThat(lint.output()).contains("0 chart(s) failed");
  }

  @Test
  void refusesAnInstallWithoutAnyRedis() {
    KubeTools.ProcessResult render =
        KubeTools.helm(
            Map.of(),
            "template",
            RenderedChart.RELEASE,
            KubeTools.chartDir().toString(),
            "--set",
            "redis.bundled.enabled=false");

    assertThat(render.exitCode()).isNotZero();
    assertThat(render.output()).contains("set redis.hosts");
  }

  @Test
  void refusesAMisspeltValue() {
    KubeTools.ProcessResult render =
        KubeTools.helm(
            Map.of(),
            "template",
            RenderedChart.RELEASE,
            KubeTools.chartDir().toString(),
            "--set",
            "runbooks.authenticationAbuse.maxFailuresPerIP=20");

    assertThat(render.exitCode()).isNotZero();
    assertThat(render.output())
        .contains("/runbooks/authenticationAbuse")
        .contains("'maxFailuresPerIP' not allowed");
  }
}
