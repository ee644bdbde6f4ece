package io.isthmus.packaging.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KnativeServiceTest {
  private static final String MIN_SCALE = "autoscaling.knative.dev/min-scale";

  private static Service service(String file) {
    Service service = Manifests.read("knative/" + file, Service.class);
    assertThat(service.getApiVersion()).isEqualTo("serving.knative.dev/v1");
    assertThat(service.getKind()).isEqualTo("Service");
    return service;
  }

  @ParameterizedTest
  @ValueSource(strings = {"offload-cpu.yaml", "offload-gpu.yaml"})
  void theFunctionScalesToZeroOnConcurrencyAndIsProbedOnItsOipHealthRoutes(String file) {
    Service service = service(file);
    Map<String, String> annotations =
        service.getSpec().getTemplate().getMetadata().getAnnotations();
    long containerConcurrency = service.getSpec().getTemplate().getSpec().getContainerConcurrency();
    assertThat(annotations)
        .containsEntry(MIN_SCALE, "0")
        .containsEntry("autoscaling.knative.dev/metric", "concurrency");
    int target = Integer.parseInt(annotations.get("autoscaling.knative.dev/target"));
    assertThat(target).isPositive().isLessThanOrEqualTo((int) containerConcurrency);
    assertThat(Integer.parseInt(annotations.get("autoscaling.knative.dev/max-scale"))).isPositive();

    List<Container> containers = service.getSpec().getTemplate().getSpec().getContainers();
    assertThat(containers).hasSize(1);
    Container c = containers.get(0);
    assertThat(c.getImage()).matches("isthmus/offload(-gpu)?:0\\.1\\.0");
    // Knative sets PORT from the one container port; the server reads $PORT
    assertThat(c.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getContainerPort()).isEqualTo(8080);
              assertThat(p.getName()).isEqualTo("http1");
            });
    assertThat(c.getEnv()).noneMatch(e -> e.getName().equals("PORT"));
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/ready");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/v2/health/live");
    assertThat(c.getArgs()).containsSubsequence("--model", "tail=/models/tail.onnx");
    assertThat(c.getArgs())
        .containsSubsequence("--jwt-hs256-secret-file", "/var/run/secrets/isthmus/jwt-secret");
    assertThat(c.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/isthmus"));
    // drain (--drain-grace-s) must end before Knative's request timeout
    int drain = Integer.parseInt(c.getArgs().get(c.getArgs().indexOf("--drain-grace-s") + 1));
    assertThat(drain)
        .isLessThan(service.getSpec().getTemplate().getSpec().getTimeoutSeconds().intValue());
    assertThat(Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")))
        .isGreaterThanOrEqualTo(
            Quantity.getAmountInBytes(c.getResources().getRequests().get("memory")));
    assertThat(service.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("isthmus-offload");
  }

  @Test
  void theCpuVariantAsksForNoGpuAndTheGpuVariantForOneOnGpuNodes() {
    Container cpu =
        service("offload-cpu.yaml").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(cpu.getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    assertThat(cpu.getArgs()).containsSubsequence("--provider", "cpu");

    Service gpu = service("offload-gpu.yaml");
    Container c = gpu.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(c.getArgs()).containsSubsequence("--provider", "cuda");
    assertThat(gpu.getSpec().getTemplate().getSpec().getTolerations())
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    assertThat(gpu.getSpec().getTemplate().getSpec().getNodeSelector())
        .containsKey("nvidia.com/gpu.present");
  }

  @Test
  void theActuatorMayReadAndPatchKnativeServicesAndNothingElse() {
    List<GenericKubernetesResource> docs =
        Manifests.documents(Manifests.text("knative/offload-rbac.yaml")).stream()
            .map(d -> Manifests.as(d, GenericKubernetesResource.class))
            .toList();
    assertThat(docs)
        .extracting(GenericKubernetesResource::getKind)
        .containsExactly("ServiceAccount", "Role", "RoleBinding");
    Map<String, Object> rule =
        ((List<Map<String, Object>>) docs.get(1).getAdditionalProperties().get("rules")).get(0);
    assertThat(rule)
        .containsEntry("apiGroups", List.of("serving.knative.dev"))
        .containsEntry("resources", List.of("services"))
        .containsEntry("verbs", List.of("get", "patch"));
  }
}
