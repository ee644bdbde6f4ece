package io.isthmus.inference;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outputs of one run, by name in the model's order. The tensors are plain heap copies: they
 * outlive the model and need no closing.
 */
public final class Outputs {
  private final Map<String, Tensor> tensors;

  public Outputs(Map<String, Tensor> tensors) {
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  /**
   * The output named {@code name}.
   *
   * @throws IllegalArgumentException naming the known outputs when there is none of that name
   */
  public Tensor get(String name) {
    Tensor tensor = tensors.get(name);
    if (tensor == null) {
      throw new IllegalArgumentException(
          "Unknown output name " + name + ", expected one of " + tensors.keySet());
    }
    return tensor;
  }

  /** The output at {@code index} in the model's order. */
  public Tensor get(int index) {
    return tensors.get(names().get(index));
  }

  public List<String> names() {
    return List.copyOf(tensors.keySet());
  }

  public int size() {
    return tensors.size();
  }

  /** An unmodifiable ordered view. */
  public Map<String, Tensor> asMap() {
    return tensors;
  }

  @Override
  public String toString() {
    return "Outputs" + tensors;
  }
}
