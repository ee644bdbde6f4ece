package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.runtime.InputShapes;
import io.isthmus.partitioner.runtime.SampleInputs;
import io.isthmus.partitioner.runtime.TensorData;
import io.isthmus.partitioner.verify.InputFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Input sets for calibration and agreement: read from a folder, or generated.
 *
 * <p>A folder for a one-input model holds one file per sample ({@code .npy}, or raw little-endian
 * elements such as {@code .f32}, see {@link InputFiles}). For a model with several inputs each
 * sample is a subfolder holding one file per input, named after the input ({@code input_ids.npy}).
 * Samples are taken in name order.
 *
 * <p>Generated samples are seeded: floats uniform in [0, 1); for integer inputs whose name says
 * they are token ids, a [CLS]-like 101 then ids in [1000, 30000); attention masks all 1; other
 * integers 0. They exercise the model's arithmetic but are not the data it was trained for.
 */
public final class CalibrationInputs {
  private CalibrationInputs() {}

  /** The graph inputs the caller feeds (initializers listed as inputs left out). */
  public static List<ValueInfoProto> inputs(GraphProto graph) {
    Set<String> initializers = new HashSet<>();
    graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
    return graph.getInputList().stream().filter(v -> !initializers.contains(v.getName())).toList();
  }

  /**
   * The samples in {@code dir}.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} when the folder is missing or empty or a file
   *     does not fit its input
   */
  public static List<Map<String, TensorData>> read(
      Path dir, List<ValueInfoProto> inputs, InputShapes shapes) throws PartitionException {
    if (!Files.isDirectory(dir)) {
      throw new PartitionException(
          Code.BAD_INPUT, "Calibration folder " + dir + " does not exist or is no folder.");
    }
    List<Map<String, TensorData>> samples = new ArrayList<>();
    for (Path entry : list(dir)) {
      Map<String, TensorData> sample = new LinkedHashMap<>();
      if (inputs.size() == 1 && Files.isRegularFile(entry)) {
        sample.put(inputs.get(0).getName(), InputFiles.read(inputs.get(0), entry, shapes));
      } else if (inputs.size() > 1 && Files.isDirectory(entry)) {
        for (ValueInfoProto input : inputs) {
          Path file = fileFor(entry, input.getName());
          sample.put(input.getName(), InputFiles.read(input, file, shapes));
        }
      } else {
        continue;
      }
      samples.add(sample);
    }
    if (samples.isEmpty()) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "Calibration folder "
              + dir
              + " holds no samples: "
              + (inputs.size() == 1
                  ? "expected one file (.npy or raw) per sample"
                  : "expected one subfolder per sample with a file per input "
                      + inputs.stream().map(ValueInfoProto::getName).toList()));
    }
    return samples;
  }

  /** {@code count} generated samples, the first with {@code seed}. */
  public static List<Map<String, TensorData>> synthetic(
      List<ValueInfoProto> inputs, InputShapes shapes, int count, long seed) {
    List<Map<String, TensorData>> samples = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      Map<String, TensorData> sample = SampleInputs.random(inputs, shapes, seed + s, 1);
      SplittableRandom random = new SplittableRandom(seed + s);
      for (ValueInfoProto input : inputs) {
        int type = input.getType().getTensorType().getElemType();
        if (type == DataType.INT64_VALUE || type == DataType.INT32_VALUE) {
          long[] shape = sample.get(input.getName()).shape();
          sample.put(input.getName(), integers(input.getName(), type, shape, random));
        }
      }
      samples.add(sample);
    }
    return samples;
  }

  private static TensorData integers(String name, int type, long[] shape, SplittableRandom r) {
    String lower = name.toLowerCase(Locale.ROOT);
    int n = (int) TensorData.elementCount(shape);
    int width = shape.length == 0 ? 1 : (int) Math.max(1, shape[shape.length - 1]);
    int size = type == DataType.INT64_VALUE ? 8 : 4;
    ByteBuffer b = ByteBuffer.allocate(n * size).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      long v;
      if (lower.contains("mask")) {
        v = 1;
      } else if (lower.contains("ids") && !lower.contains("type")) {
        v = i % width == 0 ? 101 : 1000 + r.nextInt(29000);
      } else {
        v = 0;
      }
      if (size == 8) {
        b.putLong(v);
      } else {
        b.putInt((int) v);
      }
    }
    return new TensorData(type, shape, b.array());
  }

  private static Path fileFor(Path sample, String input) throws PartitionException {
    for (Path file : list(sample)) {
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      if ((dot < 0 ? name : name.substring(0, dot)).equals(input)) {
        return file;
      }
    }
    throw new PartitionException(
        Code.BAD_INPUT, "Calibration sample " + sample + " has no file for input " + input + ".");
  }

  private static List<Path> list(Path dir) throws PartitionException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new PartitionException(Code.IO_FAILED, "Cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
