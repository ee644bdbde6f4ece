package io.isthmus.partitioner.profile;

import java.util.List;

/**
 * What a profile knows of one node.
 *
 * @param op the node's operator type, e.g. {@code Conv}
 * @param ms the node's kernel time in milliseconds (the median over the measured runs); 0 when the
 *     runtime ran no kernel for it ({@code measured} false)
 * @param outputBytes the bytes of all the node's outputs together
 * @param outputTensorBytes the bytes of each output, in the order of the node's outputs
 * @param measured false when the runtime ran no kernel of its own for the node because graph
 *     optimisation folded it into a constant or fused it into a neighbour, whose time includes it
 */
public record NodeProfile(
    String op, double ms, long outputBytes, List<Long> outputTensorBytes, boolean measured) {
  public NodeProfile {
    if (op == null || op.isEmpty()) {
      throw new IllegalArgumentException("A node profile needs an op type");
    }
    if (!(ms >= 0) || Double.isInfinite(ms)) {
      throw new IllegalArgumentException("Node time must be a finite number >= 0, got " + ms);
    }
    if (outputBytes < 0) {
      throw new IllegalArgumentException("Output bytes must be >= 0, got " + outputBytes);
    }
    outputTensorBytes = outputTensorBytes == null ? List.of() : List.copyOf(outputTensorBytes);
  }

  /** This node with its time divided by {@code speedFactor}. */
  NodeProfile scaled(double speedFactor) {
    return new NodeProfile(op, ms / speedFactor, outputBytes, outputTensorBytes, measured);
  }
}
