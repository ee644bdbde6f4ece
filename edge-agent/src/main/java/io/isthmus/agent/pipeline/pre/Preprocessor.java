package io.isthmus.agent.pipeline.pre;

import io.isthmus.agent.config.PreStageConfig;
import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.protocol.v1.SensorEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A pipeline's pre-processing: one source stage, then normalisers. */
public final class Preprocessor {
  private final SourceStage source;
  private final List<Normalizer> normalizers;

  public Preprocessor(SourceStage source, List<Normalizer> normalizers) {
    this.source = source;
    this.normalizers = List.copyOf(normalizers);
  }

  /**
   * Builds the stages of {@code stages} (validated by the config reader: a source stage first).
   *
   * @throws IllegalArgumentException when a normaliser's feature count does not divide the sample's
   *     last dimension, naming both
   */
  public static Preprocessor of(List<PreStageConfig> stages) {
    SourceStage source = source(stages.get(0));
    long[] shape = source.sampleShape();
    long last = shape[shape.length - 1];
    List<Normalizer> normalizers = new ArrayList<>();
    for (PreStageConfig stage : stages.subList(1, stages.size())) {
      PreStageConfig.Normalize n = (PreStageConfig.Normalize) stage;
      if (n.offset().size() != 1 && n.offset().size() != last) {
        throw new IllegalArgumentException(
            "normalize has "
                + n.offset().size()
                + " features, expected 1 or "
                + last
                + " (the last dimension of the sample shape "
                + java.util.Arrays.toString(shape)
                + ")");
      }
      normalizers.add(new Normalizer(n.offset(), n.scale()));
    }
    return new Preprocessor(source, normalizers);
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

  public long[] sampleShape() {
    return source.sampleShape();
  }

  public SourceStage source() {
    return source;
  }

  /** The sample's features, or empty when the source needs more events. */
  public Optional<float[]> apply(SensorEvent event) throws RejectedEventException {
    Optional<float[]> features = source.apply(event);
    if (features.isPresent()) {
      for (Normalizer n : normalizers) {
        n.apply(features.get());
      }
    }
    return features;
  }
}
