package io.isthmus.agent.pipeline.pre;

import io.isthmus.agent.config.PreStageConfig;
import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.protocol.v1.SensorEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A pipeline's pre-processing: one source stage, then feature stages (normalisers, and streams that
 * may run models of their own, per device). Closing it closes the stages' models.
 */
public final class Preprocessor implements AutoCloseable {
  private final SourceStage source;
  private final List<FeatureStage> stages;
  private final long[] sampleShape;
  private final int sampleLength;

  public Preprocessor(SourceStage source, List<FeatureStage> stages) {
    this.source = source;
    this.stages = List.copyOf(stages);
    this.sampleShape =
        stages.isEmpty() ? source.sampleShape() : stages.get(stages.size() - 1).outputShape();
    this.sampleLength = (int) Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
  }

  /**
   * Builds the stages of {@code stages} (validated by the config reader: a source stage first),
   * loading the models of stream stages with {@code loader}; on a failure the models loaded so far
   * are closed.
   *
   * @throws IllegalArgumentException when a normaliser's feature count does not divide the
   *     features' last dimension, or a stream's model does not fit its window, naming both
   */
  public static Preprocessor of(
      List<PreStageConfig> stages, Function<PreStageConfig.StageModel, LoadedModel> loader) {
    SourceStage source = source(stages.get(0));
    long[] shape = source.sampleShape();
    List<FeatureStage> built = new ArrayList<>();
    try {
      for (int i = 1; i < stages.size(); i++) {
        FeatureStage stage = feature(stages.get(i), shape, loader, i);
        built.add(stage);
        shape = stage.outputShape();
      }
    } catch (RuntimeException e) {
      built.forEach(FeatureStage::close);
      throw e;
    }
    return new Preprocessor(source, built);
  }

  private static FeatureStage feature(
      PreStageConfig config,
      long[] shape,
      Function<PreStageConfig.StageModel, LoadedModel> loader,
      int index) {
    if (config instanceof PreStageConfig.Stream s) {
      LoadedModel model = s.model().map(loader).orElse(null);
      try {
        return new StreamStage(s.window(), s.hop(), s.fill(), model, s.maxDevices(), shape);
      } catch (IllegalArgumentException e) {
        if (model != null) {
          model.close();
        }
        throw new IllegalArgumentException("stage " + index + " (stream): " + e.getMessage(), e);
      }
    }
    PreStageConfig.Normalize n = (PreStageConfig.Normalize) config;
    long last = shape[shape.length - 1];
    if (n.offset().size() != 1 && n.offset().size() != last) {
      throw new IllegalArgumentException(
          "normalize has "
              + n.offset().size()
              + " features, expected 1 or "
              + last
              + " (the last dimension of the shape "
              + Arrays.toString(shape)
              + " of the stage before)");
    }
    return new Normalizer(n.offset(), n.scale(), shape);
  }

  private static SourceStage source(PreStageConfig first) {
    if (first instanceof PreStageConfig.Fields f) {
      return new FieldsStage(f.names());
    } else if (first instanceof PreStageConfig.Window w) {
      return new WindowStage(w.size(), w.hop(), w.channels(), w.maxDevices());
    } else if (first instanceof PreStageConfig.Image i) {
      return new ImageStage(i.width(), i.height(), i.layout(), i.range());
    } else if (first instanceof PreStageConfig.Pcm p) {
      return new PcmStage(p.samples());
    }
    throw new IllegalArgumentException(first + " cannot come first");
  }

  /** The shape of one sample as the model gets it (without the batch dimension). */
  public long[] sampleShape() {
    return sampleShape.clone();
  }

  public SourceStage source() {
    return source;
  }

  /** The sample's features, or empty when a stage needs more events. */
  public Optional<float[]> apply(SensorEvent event) throws RejectedEventException {
    Optional<float[]> features = source.apply(event);
    for (FeatureStage stage : stages) {
      if (features.isEmpty()) {
        return features;
      }
      features = stage.apply(event.getDeviceId(), features.get());
    }
    // a stream that ran several times in one event emitted each run: the sample is the latest
    return features.map(
        f ->
            f.length > sampleLength ? Arrays.copyOfRange(f, f.length - sampleLength, f.length) : f);
  }

  @Override
  public void close() {
    stages.forEach(FeatureStage::close);
  }
}
