package io.isthmus.offload.scaling.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against fabric8's mock Kubernetes API server in CRUD mode: what is written is read back. */
@EnableKubernetesMockClient(crud = true, https = false)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KnativeMinScaleActuatorTest {
  private static final ResourceDefinitionContext SERVICES =
      new ResourceDefinitionContext.Builder()
          .withGroup("serving.knative.dev")
          .withVersion("v1")
          .withKind("Service")
          .withPlural("services")
          .withNamespaced(true)
          .build();

  KubernetesMockServer server;
  KubernetesClient client;
  private ExecutorService executor;

  @BeforeEach
  void knowKnative() {
    // the CRUD server serves custom resources it has been told about, as a cluster with Knative
    // installed
    server.expectCustomResource(
        new CustomResourceDefinitionContext.Builder()
            .withGroup("serving.knative.dev")
            .withVersion("v1")
            .withKind("Service")
            .withPlural("services")
            .withScope("Namespaced")
            .build());
    executor = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  private void createService(String name) {
    GenericKubernetesResource service =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("serving.knative.dev/v1")
            .withKind("Service")
            .withNewMetadata()
            .withName(name)
            .withNamespace("inference")
            .endMetadata()
            .build();
    service.setAdditionalProperty(
        "spec",
        Map.of(
            "template",
            Map.of(
                "metadata",
                Map.of("annotations", Map.of("autoscaling.knative.dev/target", "10")),
                "spec",
                Map.of(
                    "containerConcurrency",
                    4,
                    "containers",
                    List.of(Map.of("image", "isthmus/cloud-offload:0.1.0"))))));
    client.genericKubernetesResources(SERVICES).inNamespace("inference").resource(service).create();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> templateAnnotations(String name) {
    GenericKubernetesResource read =
        client.genericKubernetesResources(SERVICES).inNamespace("inference").withName(name).get();
    Map<String, Object> spec = (Map<String, Object>) read.getAdditionalProperties().get("spec");
    Map<String, Object> template = (Map<String, Object>) spec.get("template");
    return (Map<String, Object>)
        ((Map<String, Object>) template.get("metadata")).get("annotations");
  }

  private String resourceVersion(String name) {
    return client
        .genericKubernetesResources(SERVICES)
        .inNamespace("inference")
        .withName(name)
        .get()
        .getMetadata()
        .getResourceVersion();
  }

  @Test
  void setsMinScaleInPodsOnTheRevisionTemplateAndKeepsOtherAnnotations() {
    // GIVEN a Knative Service whose pods take 4 requests each
    createService("detector");
    KnativeMinScaleActuator actuator =
        new KnativeMinScaleActuator(client, "inference", "detector", 4, executor);

    // WHEN a policy asks for a provisioned concurrency of 10
    int pods = actuator.apply(10).join();

    // THEN min-scale is ceil(10 / 4) = 3, read back from the API server
    assertThat(pods).isEqualTo(3);
    assertThat(templateAnnotations("detector"))
        .containsEntry(KnativeMinScaleActuator.MIN_SCALE, "3")
        .containsEntry("autoscaling.knative.dev/target", "10");

    // AND lowering it to 0 lets the Service scale to zero again
    assertThat(actuator.apply(0).join()).isZero();
    assertThat(templateAnnotations("detector"))
        .containsEntry(KnativeMinScaleActuator.MIN_SCALE, "0");
  }

  @Test
  void anUnchangedValueDoesNotRewriteTheTemplate() {
    createService("detector");
    KnativeMinScaleActuator actuator =
        new KnativeMinScaleActuator(client, "inference", "detector", 1, executor);
    actuator.apply(2).join();
    String afterFirst = resourceVersion("detector");

    actuator.apply(2).join();

    // a rewrite would bump the resource version (and make Knative roll a new revision)
    assertThat(resourceVersion("detector")).isEqualTo(afterFirst);
    actuator.apply(5).join();
    assertThat(resourceVersion("detector")).isNotEqualTo(afterFirst);
    assertThat(templateAnnotations("detector"))
        .containsEntry(KnativeMinScaleActuator.MIN_SCALE, "5");
  }

  @Test
  void aMissingServiceFailsTheFutureNamingIt() {
    KnativeMinScaleActuator actuator =
        new KnativeMinScaleActuator(client, "inference", "absent", 1, executor);

    assertThatThrownBy(() -> actuator.apply(3).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(ActuationException.class)
        .hasMessageContaining("knative:inference/absent")
        .hasMessageContaining("no Knative Service absent");
  }

  @Test
  void aNegativeConcurrencyIsRejected() {
    KnativeMinScaleActuator actuator =
        new KnativeMinScaleActuator(client, "inference", "detector", 1, executor);

    assertThatThrownBy(() -> actuator.apply(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
