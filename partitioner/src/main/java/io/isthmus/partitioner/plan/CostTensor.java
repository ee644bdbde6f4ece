package io.isthmus.partitioner.plan;

import java.util.List;

/**
 * A tensor of a {@link CostGraph} that flows between nodes (weights are no such tensors).
 *
 * @param name the tensor name
 * @param bytes its size
 * @param producer the index of the node writing it, or -1 for a graph input (held by the gateway)
 * @param consumers the indices of the nodes reading it, ascending
 * @param graphOutput whether it is an output of the model (wanted back on the gateway)
 */
public record CostTensor(
    String name, long bytes, int producer, List<Integer> consumers, boolean graphOutput) {
  public CostTensor {
    consumers = List.copyOf(consumers);
  }

  /** Whether the model takes it as input. */
  public boolean graphInput() {
    return producer < 0;
  }
}
