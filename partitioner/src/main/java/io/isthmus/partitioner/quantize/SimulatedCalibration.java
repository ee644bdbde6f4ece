package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.runtime.TensorData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Calibration inputs made by the device simulator: readings of one of its sensor profiles put
 * through a gateway pipeline's pre-processing, so that they are what the model sees on a gateway
 * fed by that sensor. The partitioner sees neither the simulator nor the agent; the implementation
 * lives in the calibration module and is found with {@link ServiceLoader} ({@code ./isthmus model
 * quantize} runs with that module on the class path).
 */
public interface SimulatedCalibration {

  /**
   * What to simulate.
   *
   * @param profile the simulator's profile name ({@code vibration}, {@code camera}, ...)
   * @param samples how many input sets
   * @param seed the readings depend only on it
   * @param pipeline an agent configuration whose pipeline runs the model (as its model or as the
   *     model of a stream stage), whose pre-processing is then used; empty for the pre-processing
   *     the profile implies for the model's input
   */
  record Request(String profile, int samples, long seed, Optional<Path> pipeline) {
    public Request {
      Objects.requireNonNull(profile, "profile");
      Objects.requireNonNull(pipeline, "pipeline");
      if (samples < 1) {
        throw new IllegalArgumentException("samples is " + samples + ", expected at least 1");
      }
    }
  }

  /**
   * Input sets and a one-line account of how they were made (profile, pre-processing, shape).
   *
   * @param samples the input sets, each keyed by input name
   * @param description e.g. {@code vibration -> window 256 -> window[1, 256]}
   */
  record Samples(List<Map<String, TensorData>> samples, String description) {
    public Samples {
      samples = List.copyOf(samples);
    }
  }

  /**
   * {@code request.samples()} input sets for {@code model}, whose graph inputs are {@code inputs}.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} for an unknown profile (the message lists the
   *     known ones), a profile whose samples after pre-processing do not fit the model's input (the
   *     message names the input and both shapes), or a pipeline file that does not run the model;
   *     {@link Code#RUNTIME_FAILED} when a model inside the pre-processing fails
   */
  Samples samples(Path model, List<ValueInfoProto> inputs, Request request)
      throws PartitionException;

  /**
   * The implementation on the class path.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} when there is none
   */
  static SimulatedCalibration load() throws PartitionException {
    return ServiceLoader.load(SimulatedCalibration.class)
        .findFirst()
        .orElseThrow(
            () ->
                new PartitionException(
                    Code.BAD_INPUT,
                    "--sim needs the calibration module (isthmus-calibration) on the class path;"
                        + " ./isthmus model quantize puts it there"));
  }
}
