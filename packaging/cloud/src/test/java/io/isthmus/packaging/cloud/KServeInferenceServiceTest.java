package io.isthmus.packaging.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import org.junit.jupiter.api.Test;

/** KServe has no fabric8 model: the InferenceService is read generically, its resources typed. */
class KServeInferenceServiceTest {
  @Test
  void theTailRunsOnTritonSpeakingOipV2WithAGpu() {
    GenericKubernetesResource isvc =
        Manifests.read("kserve/tail-triton.yaml", GenericKubernetesResource.class);
    assertThat(isvc.getApiVersion()).isEqualTo("serving.kserve.io/v1beta1");
    assertThat(isvc.getKind()).isEqualTo("InferenceService");
    assertThat(isvc.getMetadata().getName()).isEqualTo("isthmus-tail");

    assertThat(isvc.<String>get("spec", "predictor", "model", "modelFormat", "name"))
        .isEqualTo("triton");
    assertThat(isvc.<String>get("spec", "predictor", "model", "protocolVersion")).isEqualTo("v2");
    assertThat(isvc.<String>get("spec", "predictor", "model", "storageUri"))
        .matches("(s3|gs|pvc)://.+");
    assertThat(isvc.<Integer>get("spec", "predictor", "minReplicas")).isZero();
    assertThat(isvc.<String>get("spec", "predictor", "scaleMetric")).isEqualTo("concurrency");
    int target = isvc.<Integer>get("spec", "predictor", "scaleTarget");
    assertThat(target)
        .isPositive()
        .isLessThanOrEqualTo(isvc.<Integer>get("spec", "predictor", "containerConcurrency"));

    ResourceRequirements resources =
        Manifests.as(
            Manifests.YAML.valueToTree(isvc.<Object>get("spec", "predictor", "model", "resources")),
            ResourceRequirements.class);
    assertThat(resources.getLimits().get("nvidia.com/gpu").getAmount()).isEqualTo("1");
    assertThat(resources.getRequests()).containsKeys("cpu", "memory");
  }
}
