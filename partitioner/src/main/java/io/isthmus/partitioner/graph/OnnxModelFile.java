package io.isthmus.partitioner.graph;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads an ONNX model file and checks that the partitioner can work with it: a {@code ModelProto}
 * with a graph, and only the operator sets of {@link #SUPPORTED_OPSETS} (those ONNX Runtime 1.23
 * runs, which verifies the split halves).
 */
public final class OnnxModelFile {
  /** An operator-set domain and the versions of it that are supported, both inclusive. */
  public record OpsetRange(String domain, long min, long max) {
    boolean contains(long version) {
      return version >= min && version <= max;
    }

    @Override
    public String toString() {
      return domain + " " + (min == max ? Long.toString(min) : min + "-" + max);
    }
  }

  /** The supported operator sets. */
  public static final List<OpsetRange> SUPPORTED_OPSETS =
      List.of(
          new OpsetRange("ai.onnx", 7, 23),
          new OpsetRange("ai.onnx.ml", 1, 5),
          new OpsetRange("com.microsoft", 1, 1));

  private OnnxModelFile() {}

  /**
   * Reads and checks {@code path}.
   *
   * @throws PartitionException {@link Code#IO_FAILED} when the file cannot be read, {@link
   *     Code#NOT_ONNX} when it is no ONNX model, {@link Code#UNSUPPORTED_OPSET} for an operator set
   *     outside {@link #SUPPORTED_OPSETS}
   */
  public static ModelProto read(Path path) throws PartitionException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new PartitionException(
          Code.IO_FAILED, "Cannot read " + path + ": " + e.getMessage() + ". Check the path.", e);
    }
    return parse(bytes, path.toString());
  }

  /**
   * Parses and checks model bytes; {@code source} names them in messages.
   *
   * @throws PartitionException as {@link #read(Path)}
   */
  public static ModelProto parse(byte[] bytes, String source) throws PartitionException {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw notOnnx(source, "it does not parse as an ONNX ModelProto (" + e.getMessage() + ")");
    }
    if (!model.hasGraph() || model.getIrVersion() <= 0 || model.getOpsetImportCount() == 0) {
      throw notOnnx(source, "it has no graph, IR version or opset import");
    }
    if (model.getGraph().getNodeCount() == 0) {
      throw notOnnx(source, "its graph has no nodes");
    }
    for (OperatorSetIdProto opset : model.getOpsetImportList()) {
      checkOpset(opset, source);
    }
    return model;
  }

  /** The operator-set domain with the default domain spelled {@code ai.onnx}. */
  static String domain(String domain) {
    return domain.isEmpty() ? "ai.onnx" : domain;
  }

  private static void checkOpset(OperatorSetIdProto opset, String source)
      throws PartitionException {
    String domain = domain(opset.getDomain());
    boolean supported =
        SUPPORTED_OPSETS.stream()
            .anyMatch(r -> r.domain().equals(domain) && r.contains(opset.getVersion()));
    if (!supported) {
      throw new PartitionException(
          Code.UNSUPPORTED_OPSET,
          source
              + " imports operator set "
              + domain
              + " version "
              + opset.getVersion()
              + ", which the partitioner does not support. Supported: "
              + SUPPORTED_OPSETS.stream()
                  .map(OpsetRange::toString)
                  .collect(Collectors.joining(", "))
              + ". Convert the model to a supported opset (for example with"
              + " onnx.version_converter) and try again.");
    }
  }

  private static PartitionException notOnnx(String source, String why) {
    return new PartitionException(
        Code.NOT_ONNX,
        source + " is not an ONNX model: " + why + ". Pass a .onnx file exported by a framework.");
  }
}
