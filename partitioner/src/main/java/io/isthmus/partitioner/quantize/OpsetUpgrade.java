package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import java.util.List;
import java.util.Set;

/**
 * Moves a model that imports ai.onnx 9 to ai.onnx 10, the first with QuantizeLinear,
 * DequantizeLinear and the integer kernels (QLinearConv, QLinearMatMul) ONNX Runtime fuses QDQ
 * groups into. Of the operators whose definition changed from 9 to 10, Slice (starts, ends and axes
 * move from attributes to inputs) is rewritten; the others are refused with a clear error.
 */
final class OpsetUpgrade {
  /** Operators whose version-10 definition differs in a way this upgrade does not rewrite. */
  private static final Set<String> REFUSED = Set.of("Dropout", "Upsample", "TopK", "Resize");

  private OpsetUpgrade() {}

  /**
   * {@code model} importing ai.onnx 10; unchanged when it already imports 10 or later.
   *
   * @throws PartitionException {@link Code#UNSUPPORTED_OPSET} below 9, or for an operator whose
   *     upgrade is not supported
   */
  static ModelProto toOpset10(ModelProto model) throws PartitionException {
    long opset = QdqRewriter.onnxOpset(model);
    if (opset >= 10) {
      return model;
    }
    if (opset < 9) {
      throw new PartitionException(
          Code.UNSUPPORTED_OPSET,
          "Quantization needs ai.onnx opset 9 or later, the model imports "
              + opset
              + ". Convert it (for example with onnx.version_converter) to 13 or later.");
    }
    GraphEdit edit = new GraphEdit(model.getGraph());
    for (int i = 0; i < edit.nodes.size(); i++) {
      NodeProto node = edit.nodes.get(i);
      if (REFUSED.contains(node.getOpType()) && node.getDomain().isEmpty()) {
        throw new PartitionException(
            Code.UNSUPPORTED_OPSET,
            "The model imports ai.onnx opset 9, which has no QuantizeLinear, and its "
                + node.getOpType()
                + " node changes meaning in opset 10; convert the model to opset 13 or later"
                + " (for example with onnx.version_converter) and quantize that.");
      }
      if (node.getOpType().equals("Slice") && node.getDomain().isEmpty()) {
        edit.nodes.set(i, slice10(edit, node));
      }
    }
    ModelProto.Builder upgraded = model.toBuilder().setGraph(edit.build()).clearOpsetImport();
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      boolean onnx = o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx");
      upgraded.addOpsetImport(onnx ? o.toBuilder().setVersion(10).build() : o);
    }
    return upgraded.build();
  }

  private static NodeProto slice10(GraphEdit edit, NodeProto node) {
    NodeProto.Builder b = node.toBuilder().clearAttribute();
    String base = node.getName().isEmpty() ? node.getOutput(0) : node.getName();
    List<String> names = List.of("starts", "ends", "axes");
    for (String name : names) {
      AttributeProto a =
          node.getAttributeList().stream()
              .filter(x -> x.getName().equals(name))
              .findFirst()
              .orElse(null);
      if (a == null) {
        continue;
      }
      long[] values = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
      String tensor = edit.addInitializer(Tensors.int64(edit.fresh(base + "_" + name), values));
      b.addInput(tensor);
    }
    return b.build();
  }
}
