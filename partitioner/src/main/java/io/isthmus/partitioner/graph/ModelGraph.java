package io.isthmus.partitioner.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.runtime.InputShapes;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model seen as a graph of nodes and tensors: nodes in topological order (control-flow
 * nodes with their subgraphs as one unit), the graph's inputs, outputs and initializers, who
 * produces and who reads each tensor, and the type, shape and byte size of every tensor that flows
 * between nodes. Immutable.
 */
public final class ModelGraph {
  private final ModelProto model;
  private final GraphScan scan;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, GraphNode> nodesById = new HashMap<>();
  private final Map<String, Integer> positions = new HashMap<>();

  private ModelGraph(ModelProto model, GraphScan scan, Map<String, TensorInfo> tensors) {
    this.model = model;
    this.scan = scan;
    this.tensors = tensors;
    for (int i = 0; i < scan.nodes().size(); i++) {
      GraphNode node = scan.nodes().get(i);
      nodesById.put(node.id(), node);
      positions.put(node.id(), i);
    }
  }

  /**
   * Reads the model at {@code path}, running it once when its value infos do not give every
   * tensor's shape.
   *
   * @throws PartitionException for a file that is no ONNX model, an unsupported opset, or a model
   *     ONNX Runtime cannot run (see {@link OnnxModelFile#read})
   */
  public static ModelGraph load(Path path) throws PartitionException {
    return load(path, InputShapes.NONE);
  }

  /**
   * Reads the model at {@code path}; a run to measure shapes feeds inputs shaped by {@code shapes}.
   *
   * @throws PartitionException as {@link #load(Path)}, and {@link
   *     PartitionException.Code#BAD_INPUT} when {@code shapes} names an input the model lacks
   */
  public static ModelGraph load(Path path, InputShapes shapes) throws PartitionException {
    return of(OnnxModelFile.read(path), path.toString(), shapes);
  }

  /**
   * The graph of a parsed model; {@code source} names it in messages.
   *
   * @throws PartitionException as {@link #load}
   */
  public static ModelGraph of(ModelProto model, String source) throws PartitionException {
    return of(model, source, InputShapes.NONE);
  }

  /**
   * The graph of a parsed model, measured with inputs shaped by {@code shapes}.
   *
   * @throws PartitionException as {@link #load(Path, InputShapes)}
   */
  public static ModelGraph of(ModelProto model, String source, InputShapes shapes)
      throws PartitionException {
    GraphScan scan = GraphScan.of(model.getGraph(), source);
    shapes.check(scan.inputs());
    return new ModelGraph(model, scan, TensorShapes.of(model, scan, shapes, source));
  }

  /** The model as read. */
  public ModelProto model() {
    return model;
  }

  /** The nodes in topological order. */
  public List<GraphNode> nodes() {
    return scan.nodes();
  }

  /** The node with this id, or null. */
  public GraphNode node(String id) {
    return nodesById.get(id);
  }

  /** The node's index in {@link #nodes()} (its topological position). */
  public int position(String nodeId) {
    return positions.get(nodeId);
  }

  /** The graph inputs the caller feeds (initializers listed as inputs left out). */
  public List<String> inputs() {
    return scan.inputs();
  }

  /** The graph outputs, in order. */
  public List<String> outputs() {
    return scan.outputs();
  }

  /** The names of the initializers (constants). */
  public Set<String> initializers() {
    return scan.initializers();
  }

  /** Every graph input and node output with its type, shape and bytes, inputs first. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The tensor named {@code name}, or null when it is no graph input or node output. */
  public TensorInfo tensor(String name) {
    return tensors.get(name);
  }

  /** The id of the node that produces {@code tensor}, or null for inputs and initializers. */
  public String producer(String tensor) {
    return scan.producers().get(tensor);
  }

  /** The ids of the nodes that read {@code tensor}, in file order; empty when none does. */
  public List<String> consumers(String tensor) {
    return scan.consumers().getOrDefault(tensor, List.of());
  }

  /**
   * The id of the control-flow node (If, Loop, Scan) in whose subgraphs {@code name} is defined, or
   * null when no subgraph defines it.
   */
  public String subgraphOwner(String name) {
    return scan.subgraphTensors().get(name);
  }

  /** The imported operator sets, domain ({@code ai.onnx} for the default) to version. */
  public Map<String, Long> opsets() {
    Map<String, Long> opsets = new LinkedHashMap<>();
    for (OperatorSetIdProto opset : model.getOpsetImportList()) {
      opsets.put(OnnxModelFile.domain(opset.getDomain()), opset.getVersion());
    }
    return opsets;
  }
}
