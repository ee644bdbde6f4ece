package io.isthmus.partitioner.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cut of a model into a head (run on the gateway) and a tail (run in the cloud).
 *
 * <p>Conventions, shared by split, verify and the planner:
 *
 * <ul>
 *   <li>{@code tensors} are the computed tensors that cross: produced by a head node and read by a
 *       tail node. They are the head's outputs and the tail's inputs. This is the list written
 *       {@code --cut t1,t2}.
 *   <li>{@code passThrough} are graph inputs a tail node reads directly. They cross too (the tail
 *       takes them as inputs with their original names), so they count in {@code bytes}; they need
 *       not be named in {@code --cut}.
 *   <li>The head is every node needed to compute {@code tensors}; the tail is every other node.
 *   <li>A graph output computed by a head node is an output of the head and is returned from the
 *       gateway side, not sent through the tail; the tail's outputs are the graph outputs its nodes
 *       compute.
 * </ul>
 *
 * @param tensors the crossing computed tensors, in the order they are produced
 * @param passThrough the graph inputs the tail reads, in graph-input order
 * @param headNodes the head's node ids, in topological order
 * @param tailNodes the tail's node ids, in topological order
 * @param bytesByTensor the size of each crossing tensor and pass-through input
 * @param bytes the bytes that cross, {@code tensors} and {@code passThrough} together, at the
 *     representative shape; -1 when a crossing value has no fixed size
 * @param position the number of nodes, in topological order, up to and including the last head
 *     node: where the cut falls in a per-node table or chart
 */
public record Cut(
    List<String> tensors,
    List<String> passThrough,
    List<String> headNodes,
    List<String> tailNodes,
    Map<String, Long> bytesByTensor,
    long bytes,
    int position) {
  public Cut {
    tensors = List.copyOf(tensors);
    passThrough = List.copyOf(passThrough);
    headNodes = List.copyOf(headNodes);
    tailNodes = List.copyOf(tailNodes);
    bytesByTensor = Collections.unmodifiableMap(new LinkedHashMap<>(bytesByTensor));
  }

  /** The cut as written on the command line: {@code t1,t2}. */
  public String spec() {
    return String.join(",", tensors);
  }
}
