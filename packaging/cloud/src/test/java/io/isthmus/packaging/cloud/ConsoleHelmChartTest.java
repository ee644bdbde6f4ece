package io.isthmus.packaging.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The console chart rendered with values (HelmLite), each document read into its fabric8 type. */
class ConsoleHelmChartTest {
  private static final String CHART = "helm/isthmus-console/";

  private static List<JsonNode> render(Map<String, String> overrides) throws IOException {
    ObjectNode values =
        (ObjectNode) Manifests.documents(Manifests.text(CHART + "values.yaml")).get(0);
    overrides.forEach(
        (path, value) -> {
          String[] keys = path.split("\\.");
          ObjectNode node = values;
          for (int i = 0; i < keys.length - 1; i++) {
            node = (ObjectNode) node.get(keys[i]);
          }
          node.put(keys[keys.length - 1], value);
        });
    JsonNode chart = Manifests.documents(Manifests.text(CHART + "Chart.yaml")).get(0);
    HelmLite helm = new HelmLite(values, chart, "fleet", "isthmus");
    List<JsonNode> docs = new ArrayList<>();
    try (Stream<Path> templates = Files.list(Path.of(CHART + "templates"))) {
      for (Path t : templates.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        docs.addAll(Manifests.documents(helm.render(Files.readString(t))));
      }
    }
    return docs;
  }

  private static Map<String, JsonNode> byKindAndName(List<JsonNode> docs) {
    return docs.stream()
        .collect(
            Collectors.toMap(
                d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText(),
                d -> d));
  }

  private static final Map<String, String> SECRETS =
      Map.of("console.adminToken", "t0k3n", "postgresql.password", "pw");

  @Test
  void theConsoleRunsWithItsContractEnvironmentProbesAndData() throws IOException {
    Map<String, JsonNode> docs = byKindAndName(render(SECRETS));
    assertThat(docs.keySet())
        .containsExactlyInAnyOrder(
            "Deployment/fleet-isthmus-console",
            "Service/fleet-isthmus-console",
            "Secret/fleet-isthmus-console",
            "PersistentVolumeClaim/fleet-isthmus-console-data",
            "StatefulSet/fleet-postgresql",
            "Service/fleet-postgresql");

    Deployment deployment =
        Manifests.as(docs.get("Deployment/fleet-isthmus-console"), Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getTemplate().getMetadata().getLabels());
    Container console = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(console.getImage()).isEqualTo("isthmus/console:0.1.0");
    assertThat(console.getPorts().get(0).getContainerPort()).isEqualTo(8090);
    Map<String, EnvVar> env =
        console.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("PORT").getValue()).isEqualTo("8090");
    assertThat(env.get("ISTHMUS_CONSOLE_DB").getValue())
        .isEqualTo(
            "jdbc:postgresql://fleet-postgresql:5432/isthmus?user=isthmus&password=$(POSTGRES_PASSWORD)");
    // $(VAR) expands only variables defined before it
    assertThat(console.getEnv().indexOf(env.get("POSTGRES_PASSWORD")))
        .isLessThan(console.getEnv().indexOf(env.get("ISTHMUS_CONSOLE_DB")));
    assertThat(env.get("ISTHMUS_CONSOLE_MQTT").getValue()).isEqualTo("tcp://mosquitto:1883");
    assertThat(env.get("ISTHMUS_CONSOLE_PUBLIC_URL").getValue())
        .isEqualTo("http://isthmus-console:8090");
    assertThat(env.get("ISTHMUS_CONSOLE_ADMIN_TOKEN").getValueFrom().getSecretKeyRef().getName())
        .isEqualTo("fleet-isthmus-console");
    assertThat(console.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
    assertThat(console.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
    assertThat(console.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(console.getResources().getLimits().get("memory").toString()).isEqualTo("768Mi");
    assertThat(console.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(console.getArgs()).containsExactly("--data", "/var/lib/isthmus-console");
    assertThat(console.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/lib/isthmus-console"));
    PersistentVolumeClaim data =
        Manifests.as(
            docs.get("PersistentVolumeClaim/fleet-isthmus-console-data"),
            PersistentVolumeClaim.class);
    assertThat(data.getSpec().getResources().getRequests().get("storage").toString())
        .isEqualTo("5Gi");

    Secret secret = Manifests.as(docs.get("Secret/fleet-isthmus-console"), Secret.class);
    assertThat(secret.getStringData())
        .containsEntry("admin-token", "t0k3n")
        .containsEntry("postgresql-password", "pw");
  }

  @Test
  void postgresqlKeepsItsDataAndSharesThePasswordSecret() throws IOException {
    Map<String, JsonNode> docs = byKindAndName(render(SECRETS));
    StatefulSet pg = Manifests.as(docs.get("StatefulSet/fleet-postgresql"), StatefulSet.class);
    Container c = pg.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).startsWith("postgres:16");
    assertThat(c.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("POSTGRES_PASSWORD");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                  .isEqualTo("postgresql-password");
            });
    assertThat(c.getReadinessProbe().getExec().getCommand())
        .containsExactly("pg_isready", "-U", "isthmus", "-d", "isthmus");
    assertThat(
            pg.getSpec()
                .getVolumeClaimTemplates()
                .get(0)
                .getSpec()
                .getResources()
                .getRequests()
                .get("storage")
                .toString())
        .isEqualTo("10Gi");
    assertThat(pg.getSpec().getServiceName()).isEqualTo("fleet-postgresql");
    io.fabric8.kubernetes.api.model.Service svc =
        Manifests.as(
            docs.get("Service/fleet-postgresql"), io.fabric8.kubernetes.api.model.Service.class);
    assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(5432);
    assertThat(svc.getSpec().getSelector()).isEqualTo(pg.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void renderingWithoutTheAdminTokenFailsAsHelmsRequiredWould() {
    assertThatThrownBy(() -> render(Map.of("postgresql.password", "pw")))
        .hasMessageContaining("set console.adminToken");
  }
}
