package io.isthmus.offload.batch;

import io.isthmus.inference.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stacks requests' inputs along the batch dimension and cuts the outputs back into rows. */
final class RowBatch {
  private RowBatch() {}

  /** The inputs of {@code parts} (same names, types and non-batch dims) stacked along dim 0. */
  static Map<String, Tensor> concat(List<Map<String, Tensor>> parts) {
    Map<String, Tensor> stacked = new LinkedHashMap<>();
    for (String name : parts.get(0).keySet()) {
      Tensor first = parts.get(0).get(name);
      long rows = 0;
      int bytes = 0;
      for (Map<String, Tensor> part : parts) {
        Tensor tensor = part.get(name);
        rows += tensor.shape()[0];
        bytes += tensor.data().remaining();
      }
      ByteBuffer data = ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
      for (Map<String, Tensor> part : parts) {
        data.put(part.get(name).data());
      }
      long[] shape = first.shape();
      shape[0] = rows;
      stacked.put(name, Tensor.ofBytes(first.dataType(), shape, data.flip()));
    }
    return stacked;
  }

  /**
   * The outputs cut into consecutive pieces of {@code rows[i]} rows each (views, no copies).
   *
   * @throws IllegalStateException if an output's first dimension is not the batch's row count
   */
  static List<Map<String, Tensor>> split(Map<String, Tensor> outputs, int[] rows) {
    long total = 0;
    for (int r : rows) {
      total += r;
    }
    List<Map<String, Tensor>> pieces = new ArrayList<>(rows.length);
    for (int i = 0; i < rows.length; i++) {
      pieces.add(new LinkedHashMap<>());
    }
    for (Map.Entry<String, Tensor> output : outputs.entrySet()) {
      Tensor tensor = output.getValue();
      long[] shape = tensor.shape();
      if (shape.length == 0 || shape[0] != total) {
        throw new IllegalStateException(
            "Output "
                + output.getKey()
                + " has shape "
                + java.util.Arrays.toString(shape)
                + " for a batch of "
                + total
                + " rows: its first dimension is not a batch dimension; serve this model with"
                + " a max batch size of 1");
      }
      ByteBuffer data = tensor.data();
      int bytesPerRow = (int) (data.remaining() / total);
      int offset = 0;
      for (int i = 0; i < rows.length; i++) {
        ByteBuffer slice = data.duplicate();
        slice.position(offset).limit(offset + bytesPerRow * rows[i]);
        long[] pieceShape = shape.clone();
        pieceShape[0] = rows[i];
        pieces.get(i).put(output.getKey(), Tensor.ofBytes(tensor.dataType(), pieceShape, slice));
        offset += bytesPerRow * rows[i];
      }
    }
    return pieces;
  }
}
