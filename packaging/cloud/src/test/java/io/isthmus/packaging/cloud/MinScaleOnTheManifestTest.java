package io.isthmus.packaging.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.isthmus.offload.scaling.actuate.KnativeMinScaleActuator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scaling policy's actuator against the Service manifest as applied to a (mock, CRUD)
 * Kubernetes API: it finds the annotation where the manifest keeps it, and leaves the other
 * annotations alone.
 */
@EnableKubernetesMockClient(crud = true, https = false)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MinScaleOnTheManifestTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void theActuatorRaisesMinScaleOnTheAppliedManifest() {
    server.expectCustomResource(
        new CustomResourceDefinitionContext.Builder()
            .withGroup("serving.knative.dev")
            .withVersion("v1")
            .withKind("Service")
            .withPlural("services")
            .withScope("Namespaced")
            .build());
    ResourceDefinitionContext services =
        new ResourceDefinitionContext.Builder()
            .withGroup("serving.knative.dev")
            .withVersion("v1")
            .withKind("Service")
            .withPlural("services")
            .withNamespaced(true)
            .build();
    String yaml = Manifests.text("knative/offload-cpu.yaml");
    GenericKubernetesResource manifest =
        Manifests.as(Manifests.documents(yaml).get(0), GenericKubernetesResource.class);
    manifest.getMetadata().setNamespace("inference");
    client
        .genericKubernetesResources(services)
        .inNamespace("inference")
        .resource(manifest)
        .create();
    int containerConcurrency =
        Manifests.read("knative/offload-cpu.yaml", Service.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainerConcurrency()
            .intValue();

    // WHEN the policy asks for 20 concurrent requests' worth of warm pods
    int pods =
        new KnativeMinScaleActuator(
                client, "inference", "isthmus-offload", containerConcurrency, Runnable::run)
            .apply(20)
            .join();

    // THEN ceil(20 / 8) pods, written into the revision template beside the other annotations
    assertThat(pods).isEqualTo(3);
    GenericKubernetesResource now =
        client
            .genericKubernetesResources(services)
            .inNamespace("inference")
            .withName("isthmus-offload")
            .get();
    Map<String, Object> annotations = now.get("spec", "template", "metadata", "annotations");
    assertThat(annotations)
        .containsEntry(KnativeMinScaleActuator.MIN_SCALE, "3")
        .containsEntry("autoscaling.knative.dev/target", "6")
        .containsEntry("autoscaling.knative.dev/metric", "concurrency");
  }
}
