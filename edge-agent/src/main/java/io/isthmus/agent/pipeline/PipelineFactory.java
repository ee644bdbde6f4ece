package io.isthmus.agent.pipeline;

import io.isthmus.agent.config.ConfigException;
import io.isthmus.agent.config.PipelineConfig;
import io.isthmus.agent.config.PostStageConfig;
import io.isthmus.agent.metrics.PipelineMetrics;
import io.isthmus.agent.offload.SplitModel;
import io.isthmus.agent.pipeline.post.DetectionsPost;
import io.isthmus.agent.pipeline.post.Postprocessor;
import io.isthmus.agent.pipeline.post.RawPost;
import io.isthmus.agent.pipeline.post.ScorePost;
import io.isthmus.agent.pipeline.post.TopKPost;
import io.isthmus.agent.pipeline.pre.Preprocessor;
import io.isthmus.inference.Engines;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * Builds a {@link Pipeline} from its configuration: loads the model, checks the pre-processing
 * shape against the model's input, warms the model up with one run, and wires queue and workers.
 * Blocks for the length of the load: call it from a worker thread.
 */
public final class PipelineFactory {
  private PipelineFactory() {}

  /**
   * @throws ConfigException when the model cannot be loaded or does not fit the pipeline (the
   *     message names the pipeline, the model and the shapes)
   */
  public static Pipeline create(PipelineConfig config, ResultSink sink, PipelineMetrics metrics) {
    long start = System.nanoTime();
    return create(config, load(config), sink, metrics, start);
  }

  /**
   * Loads the model file the pipeline's configuration names.
   *
   * @throws ConfigException when it cannot be loaded
   */
  public static LoadedModel load(PipelineConfig config) {
    return load(config, "pipelines[" + config.name() + "].model");
  }

  /**
   * Builds the pipeline around a model loaded elsewhere (by model sync, from its store); closes
   * {@code model} when it does not fit.
   *
   * @throws ConfigException when the model does not fit the pipeline or its warm-up run fails
   */
  public static Pipeline create(
      PipelineConfig config, LoadedModel model, ResultSink sink, PipelineMetrics metrics) {
    return create(config, model, sink, metrics, System.nanoTime());
  }

  private static Pipeline create(
      PipelineConfig config,
      LoadedModel model,
      ResultSink sink,
      PipelineMetrics metrics,
      long start) {
    String path = "pipelines[" + config.name() + "].model";
    Preprocessor pre = null;
    try {
      pre = preprocessor(config);
      ModelBinding binding = bind(config, model, pre);
      Postprocessor post = post(config, model, path);
      warmUp(model, binding, pre, path);
      metrics.modelLoaded(config.model().name(), Duration.ofNanos(System.nanoTime() - start));
      model = withSplit(config, model, metrics, path);
      BatchProcessor processor =
          new BatchProcessor(config, pre, model, binding, post, sink, metrics);
      return new Pipeline(config, model, pre, processor, metrics);
    } catch (RuntimeException e) {
      model.close();
      if (pre != null) {
        pre.close();
      }
      throw e;
    }
  }

  /**
   * Checks that {@code candidate} can replace a pipeline's model: it binds to the same input under
   * the same name, has the outputs post-processing needs, and one warm-up run succeeds. Blocks for
   * the warm-up run.
   *
   * @throws ConfigException naming what does not fit, or the warm-up failure
   */
  public static void checkReplacement(
      Pipeline pipeline, LoadedModel current, LoadedModel candidate) {
    PipelineConfig config = pipeline.config();
    String path = "pipelines[" + config.name() + "].model";
    ModelBinding now = bind(config, current, pipeline.preprocessor());
    ModelBinding next = bind(config, candidate, pipeline.preprocessor());
    if (!now.inputName().equals(next.inputName())
        || now.dynamicBatch() != next.dynamicBatch()
        || !current.signature().outputNames().equals(candidate.signature().outputNames())) {
      throw new ConfigException(
          path,
          "the new model's signature "
              + candidate.signature().inputNames()
              + " -> "
              + candidate.signature().outputNames()
              + " differs from the serving one's "
              + current.signature().inputNames()
              + " -> "
              + current.signature().outputNames());
    }
    post(config, candidate, path);
    warmUp(candidate, next, pipeline.preprocessor(), path);
  }

  private static Preprocessor preprocessor(PipelineConfig config) {
    String prePath = "pipelines[" + config.name() + "].pre";
    try {
      return Preprocessor.of(
          config.pre(),
          m ->
              load(
                  m.path(),
                  m.engine(),
                  ModelOptions.builder().intraOpThreads(m.threads()).build(),
                  prePath + ".model"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(prePath, e.getMessage(), e);
    }
  }

  private static ModelBinding bind(PipelineConfig config, LoadedModel model, Preprocessor pre) {
    return ModelBinding.bind(
        config.name(), model.signature(), config.model().input().orElse(null), pre.sampleShape());
  }

  private static LoadedModel load(PipelineConfig config, String path) {
    PipelineConfig.ModelSettings settings = config.model();
    return load(settings.path(), settings.engine(), settings.options(), path + ".path");
  }

  /**
   * @throws ConfigException at {@code path} when the file cannot be loaded
   */
  private static LoadedModel load(
      java.nio.file.Path file, PipelineConfig.Engine engine, ModelOptions options, String path) {
    try {
      InferenceEngine chosen =
          switch (engine) {
            case AUTO -> Engines.forFile(file);
            case ONNXRUNTIME -> Engines.onnxRuntime();
            case TFLITE -> Engines.tflite();
          };
      return chosen.load(file, options);
    } catch (InferenceException e) {
      throw new ConfigException(
          path, "\"" + file + "\" cannot be loaded (" + e.code() + "): " + e.getMessage(), e);
    }
  }

  private static void warmUp(
      LoadedModel model, ModelBinding binding, Preprocessor pre, String path) {
    long elements = 1;
    for (long d : pre.sampleShape()) {
      elements *= d;
    }
    try {
      model.run(binding.stack(List.of(new float[(int) elements])));
    } catch (InferenceException e) {
      throw new ConfigException(path, "warm-up run failed: " + e.getMessage(), e);
    }
  }

  private static Postprocessor post(PipelineConfig config, LoadedModel model, String path) {
    List<String> outputs = model.signature().outputNames();
    int output = 0;
    if (config.model().output().isPresent()) {
      output = outputs.indexOf(config.model().output().get());
      if (output < 0) {
        throw new ConfigException(
            path + ".output",
            "\""
                + config.model().output().get()
                + "\" is not an output of the model, expected one of "
                + outputs);
      }
    }
    PostStageConfig post = config.post();
    if (post instanceof PostStageConfig.Score s) {
      return new ScorePost(output, s.threshold());
    } else if (post instanceof PostStageConfig.TopK t) {
      return new TopKPost(output, t.k(), labels(config, t));
    } else if (post instanceof PostStageConfig.Detections d) {
      DetectionsPost detections = new DetectionsPost(d);
      for (int index : d.scoreOutputs()) {
        checkIndex(config, outputs, index);
      }
      for (int index : d.boxOutputs()) {
        checkIndex(config, outputs, index);
      }
      return detections;
    }
    return new RawPost();
  }

  private static void checkIndex(PipelineConfig config, List<String> outputs, int index) {
    if (index >= outputs.size()) {
      throw new ConfigException(
          "pipelines[" + config.name() + "].post.detections",
          "output index "
              + index
              + " is not below the model's "
              + outputs.size()
              + " outputs "
              + outputs);
    }
  }

  private static List<String> labels(PipelineConfig config, PostStageConfig.TopK topK) {
    if (topK.labels().isEmpty()) {
      return List.of();
    }
    try {
      return Files.readAllLines(topK.labels().get()).stream().map(String::strip).toList();
    } catch (IOException e) {
      throw new ConfigException(
          "pipelines[" + config.name() + "].post.labels", "cannot be read: " + e, e);
    }
  }

  /**
   * The model itself, or for a split pipeline the {@link SplitModel} around it (which then owns
   * it).
   *
   * @throws ConfigException when a head model cannot be loaded
   */
  private static LoadedModel withSplit(
      PipelineConfig config, LoadedModel full, PipelineMetrics metrics, String path) {
    PipelineConfig.ModelSettings settings = config.model();
    if (settings.split().isEmpty()) {
      return full;
    }
    try {
      return SplitModel.open(
          config.name(), settings.split().get(), full, settings.options(), metrics.registry());
    } catch (InferenceException e) {
      throw new ConfigException(
          path + ".split.candidates",
          "a head model cannot be loaded (" + e.code() + "): " + e.getMessage(),
          e);
    }
  }
}
