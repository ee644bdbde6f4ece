package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The graph ONNX Runtime actually runs: a model after all its graph optimisations (QDQ fusions
 * included), as ONNX Runtime writes it out with {@code setOptimizedModelFilePath}.
 */
final class OrtOptimizedGraph {
  private final ModelProto model;

  private OrtOptimizedGraph(ModelProto model) {
    this.model = model;
  }

  static OrtOptimizedGraph of(ModelProto model, Path dir) throws Exception {
    Path file = Files.createTempFile(dir, "optimized", ".onnx");
    try (SessionOptions options = new SessionOptions()) {
      options.setOptimizationLevel(OptLevel.ALL_OPT);
      options.setIntraOpNumThreads(1);
      // ONNX Runtime warns that a fully optimised model is tied to this machine: it is only read
      options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      options.setOptimizedModelFilePath(file.toAbsolutePath().toString());
      try (OrtSession session =
          OrtEnvironment.getEnvironment().createSession(model.toByteArray(), options)) {
        // the file is written while the session is created
      }
      // not OnnxModelFile: the optimized model imports ONNX Runtime's internal domains
      return new OrtOptimizedGraph(ModelProto.parseFrom(Files.readAllBytes(file)));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Nodes per op type. */
  Map<String, Integer> ops() {
    Map<String, Integer> ops = new TreeMap<>();
    for (NodeProto n : model.getGraph().getNodeList()) {
      ops.merge(n.getOpType(), 1, Integer::sum);
    }
    return ops;
  }

  /**
   * QuantizeLinear and DequantizeLinear nodes that convert an activation (not a constant weight or
   * bias) between float and int8: what a float op between two integer kernels costs.
   */
  int activationConversions() {
    Set<String> constants = new HashSet<>();
    model.getGraph().getInitializerList().stream()
        .map(TensorProto::getName)
        .forEach(constants::add);
    int n = 0;
    for (NodeProto node : model.getGraph().getNodeList()) {
      if ((node.getOpType().equals("QuantizeLinear") || node.getOpType().equals("DequantizeLinear"))
          && !constants.contains(node.getInput(0))) {
        n++;
      }
    }
    return n;
  }
}
