package io.isthmus.console.rollout;

import io.isthmus.protocol.v1.DesiredModel;
import java.util.Optional;

/** Resolves a model version to what a gateway's desired state names: download URL and sha256. */
public interface ModelCatalog {
  /** The desired-state entry of {@code name} {@code version}, or empty if it is not registered. */
  Optional<DesiredModel> desiredModel(String name, String version);
}
