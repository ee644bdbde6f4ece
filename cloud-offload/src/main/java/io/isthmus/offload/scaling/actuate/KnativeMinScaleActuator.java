package io.isthmus.offload.scaling.actuate;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sets the {@code autoscaling.knative.dev/min-scale} annotation on a Knative Service's revision
 * template ({@code spec.template.metadata.annotations}) through the Kubernetes API. The concurrency
 * becomes pods: ceil(concurrency / containerConcurrency).
 *
 * <p>Knative makes a new revision whenever the template changes, so an unchanged value is not
 * written again.
 */
public final class KnativeMinScaleActuator implements ConcurrencyActuator {
  /** The Knative autoscaling annotation this actuator writes. */
  public static final String MIN_SCALE = "autoscaling.knative.dev/min-scale";

  private static final ResourceDefinitionContext SERVICE =
      new ResourceDefinitionContext.Builder()
          .withGroup("serving.knative.dev")
          .withVersion("v1")
          .withKind("Service")
          .withPlural("services")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final String namespace;
  private final String service;
  private final int containerConcurrency;
  private final Executor executor;

  /**
   * An actuator for one Knative Service. Kubernetes calls block, so they run on {@code executor}.
   *
   * @param containerConcurrency the Service's containerConcurrency (requests per pod), {@code >= 1}
   */
  public KnativeMinScaleActuator(
      KubernetesClient client,
      String namespace,
      String service,
      int containerConcurrency,
      Executor executor) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.service = Objects.requireNonNull(service, "service");
    this.executor = Objects.requireNonNull(executor, "executor");
    if (containerConcurrency < 1) {
      throw new IllegalArgumentException(
          "containerConcurrency must be >= 1, got " + containerConcurrency);
    }
    this.containerConcurrency = containerConcurrency;
  }

  @Override
  public String target() {
    return "knative:" + namespace + "/" + service;
  }

  @Override
  public CompletableFuture<Integer> apply(int concurrency) {
    if (concurrency < 0) {
      throw new IllegalArgumentException("concurrency must be >= 0, got " + concurrency);
    }
    int pods = (concurrency + containerConcurrency - 1) / containerConcurrency;
    return CompletableFuture.supplyAsync(() -> write(pods), executor);
  }

  private int write(int pods) {
    String value = Integer.toString(pods);
    Resource<GenericKubernetesResource> resource =
        client.genericKubernetesResources(SERVICE).inNamespace(namespace).withName(service);
    try {
      GenericKubernetesResource current = resource.get();
      if (current == null) {
        throw new ActuationException(
            target(), "no Knative Service " + service + " in namespace " + namespace, null);
      }
      if (value.equals(annotations(current).get(MIN_SCALE))) {
        return pods;
      }
      resource.edit(
          edited -> {
            annotations(edited).put(MIN_SCALE, value);
            return edited;
          });
      return pods;
    } catch (KubernetesClientException e) {
      throw new ActuationException(
          target(), "setting " + MIN_SCALE + "=" + value + " failed (HTTP " + e.getCode() + ")", e);
    }
  }

  /** The revision template's annotations, created (empty) where missing. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> annotations(GenericKubernetesResource service) {
    Map<String, Object> spec = child(service.getAdditionalProperties(), "spec");
    Map<String, Object> metadata = child(child(spec, "template"), "metadata");
    return (Map<String, Object>) (Map<?, ?>) child(metadata, "annotations");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> parent, String key) {
    return (Map<String, Object>) parent.computeIfAbsent(key, k -> new LinkedHashMap<>());
  }
}
