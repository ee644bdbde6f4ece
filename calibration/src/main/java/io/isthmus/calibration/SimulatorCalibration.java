package io.isthmus.calibration;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.agent.config.ConfigException;
import io.isthmus.agent.config.PreStageConfig;
import io.isthmus.agent.pipeline.ModelBinding;
import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.agent.pipeline.pre.Preprocessor;
import io.isthmus.inference.DataType;
import io.isthmus.inference.Engines;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.partitioner.quantize.SimulatedCalibration;
import io.isthmus.partitioner.runtime.TensorData;
import io.isthmus.sim.profile.SensorSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code model quantize --sim PROFILE}: readings of a device simulator profile, put through the
 * edge agent's own pre-processing ({@link Preprocessor}) and bound to the model's input by the
 * agent's {@link ModelBinding}, so a sample is the tensor a gateway fed by that sensor would run
 * the model on.
 *
 * <p>The readings come round-robin from {@value #DEVICES} simulated devices, each with its own
 * source seeded from the request's seed. Pipelines with stream stages start from their fill value;
 * the first {@value #STREAM_WARM_UP} events of each device are put through but not sampled, so the
 * samples show a stream in its steady state.
 */
public final class SimulatorCalibration implements SimulatedCalibration {
  static final int DEVICES = 4;
  static final int STREAM_WARM_UP = 32;

  /** For {@link java.util.ServiceLoader}. */
  public SimulatorCalibration() {}

  @Override
  public Samples samples(Path model, List<ValueInfoProto> inputs, Request request)
      throws PartitionException {
    if (inputs.size() != 1) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "--sim feeds models with one input, as gateway pipelines do; "
              + model
              + " has inputs "
              + inputs.stream().map(ValueInfoProto::getName).toList());
    }
    ModelSignature signature = signature(model);
    TensorSpec input = signature.inputs().get(0);
    if (input.dataType() != DataType.FLOAT32) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "input "
              + input.name()
              + " of "
              + model
              + " is "
              + input.dataType()
              + "; --sim makes FLOAT32 samples, as gateway pipelines do");
    }
    GatewayFeed feed =
        request.pipeline().isPresent()
            ? GatewayFeed.fromPipeline(request.profile(), request.pipeline().get(), model)
            : GatewayFeed.implied(request.profile(), input);
    try (Preprocessor pre = preprocessor(feed)) {
      ModelBinding binding;
      try {
        binding = ModelBinding.bind(feed.pipeline(), signature, null, pre.sampleShape());
      } catch (ConfigException e) {
        throw new PartitionException(
            Code.BAD_INPUT,
            "profile "
                + request.profile()
                + " through "
                + feed.stagesText()
                + " ("
                + feed.origin()
                + ") makes samples of shape "
                + Arrays.toString(pre.sampleShape())
                + ", which do not fit input "
                + input.name()
                + Arrays.toString(input.shape())
                + " of "
                + model,
            e);
      }
      List<Map<String, TensorData>> samples = run(feed, pre, binding, request);
      long[] shape = samples.get(0).get(input.name()).shape();
      return new Samples(
          samples,
          request.profile()
              + " -> "
              + feed.stagesText()
              + " -> "
              + input.name()
              + Arrays.toString(shape)
              + " ("
              + feed.origin()
              + ")");
    }
  }

  private static List<Map<String, TensorData>> run(
      GatewayFeed feed, Preprocessor pre, ModelBinding binding, Request request)
      throws PartitionException {
    boolean streams = feed.stages().stream().anyMatch(s -> s instanceof PreStageConfig.Stream);
    int warmUp = streams ? STREAM_WARM_UP : 0;
    List<SensorSource> sources = new ArrayList<>();
    for (int d = 0; d < DEVICES; d++) {
      sources.add(feed.profile().newSource("sim-" + d, request.seed()));
    }
    List<Map<String, TensorData>> samples = new ArrayList<>();
    long limit = (long) request.samples() * 64 + (long) DEVICES * (warmUp + 64);
    long events = 0;
    while (samples.size() < request.samples()) {
      if (events == limit) {
        throw new PartitionException(
            Code.BAD_INPUT,
            "pipeline "
                + feed.stagesText()
                + " made "
                + samples.size()
                + " of "
                + request.samples()
                + " samples from "
                + events
                + " "
                + feed.profile().name()
                + " events");
      }
      int device = (int) (events % DEVICES);
      long sequence = events / DEVICES;
      events++;
      Optional<float[]> features;
      try {
        features = pre.apply(sources.get(device).next(sequence, sequence * 1000).event());
      } catch (RejectedEventException e) {
        throw new PartitionException(
            RejectedEventException.ENGINE_FAILURE.equals(e.reason())
                ? Code.RUNTIME_FAILED
                : Code.BAD_INPUT,
            "profile "
                + feed.profile().name()
                + " does not fit "
                + feed.stagesText()
                + " ("
                + feed.origin()
                + "): "
                + e.getMessage(),
            e);
      }
      if (features.isPresent() && sequence >= warmUp) {
        samples.add(Map.of(binding.inputName(), tensorData(binding, features.get())));
      }
    }
    return samples;
  }

  /** The tensor the agent would run the model on, copied out of the binding's reused buffer. */
  private static TensorData tensorData(ModelBinding binding, float[] features) {
    Tensor stacked = binding.stack(List.of(features)).get(binding.inputName());
    return new TensorData(TensorProto.DataType.FLOAT_VALUE, stacked.shape(), stacked.toByteArray());
  }

  private static Preprocessor preprocessor(GatewayFeed feed) throws PartitionException {
    try {
      return Preprocessor.of(feed.stages(), m -> load(m.path(), m.threads()));
    } catch (IllegalArgumentException e) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "pre-processing " + feed.stagesText() + " (" + feed.origin() + "): " + e.getMessage(),
          e);
    }
  }

  private static LoadedModel load(Path file, int threads) {
    try {
      InferenceEngine engine = Engines.forFile(file);
      return engine.load(file, ModelOptions.builder().intraOpThreads(threads).build());
    } catch (InferenceException e) {
      throw new IllegalArgumentException(
          "\"" + file + "\" cannot be loaded (" + e.code() + "): " + e.getMessage(), e);
    }
  }

  private static ModelSignature signature(Path model) throws PartitionException {
    try (LoadedModel loaded = Engines.onnxRuntime().load(model, ModelOptions.builder().build())) {
      return loaded.signature();
    } catch (InferenceException e) {
      throw new PartitionException(
          Code.RUNTIME_FAILED,
          "ONNX Runtime cannot load " + model + " (" + e.code() + "): " + e.getMessage(),
          e);
    }
  }
}
