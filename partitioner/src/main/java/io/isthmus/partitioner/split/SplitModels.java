package io.isthmus.partitioner.split;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.graph.Cut;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The two halves of a split model.
 *
 * @param cut the cut they were split at
 * @param head the head model: the graph inputs it reads in, the cut tensors and the graph outputs
 *     it computes out
 * @param tail the tail model: the cut tensors and pass-through graph inputs in, the remaining graph
 *     outputs out
 */
public record SplitModels(Cut cut, ModelProto head, ModelProto tail) {
  public static final String HEAD_FILE = "head.onnx";
  public static final String TAIL_FILE = "tail.onnx";

  /**
   * Writes {@code head.onnx} and {@code tail.onnx} into {@code dir}, creating it when needed.
   *
   * @throws PartitionException {@link Code#IO_FAILED} when a file cannot be written
   */
  public void write(Path dir) throws PartitionException {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(HEAD_FILE), head.toByteArray());
      Files.write(dir.resolve(TAIL_FILE), tail.toByteArray());
    } catch (IOException e) {
      throw new PartitionException(
          Code.IO_FAILED, "Cannot write the split models to " + dir + ": " + e.getMessage(), e);
    }
  }
}
