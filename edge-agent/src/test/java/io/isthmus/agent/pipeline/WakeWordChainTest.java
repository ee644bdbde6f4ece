package io.isthmus.agent.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.agent.config.AgentConfigReader;
import io.isthmus.agent.config.PipelineConfig;
import io.isthmus.agent.pipeline.pre.Preprocessor;
import io.isthmus.inference.Engines;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.protocol.v1.SensorEvent;
import io.isthmus.sim.profile.AudioProfile;
import io.isthmus.sim.profile.SensorSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wake-word chain of edge-agent/config/demo-wakeword.yaml (stream stages over the three
 * openWakeWord models) against the same three models run by hand, the way openWakeWord streams
 * them: audio with 480 samples of context -> mel frames (x / 10 + 2) appended to a buffer that
 * starts with 76 rows of ones -> an embedding of the last 76 frames -> the last 16 embeddings (a
 * buffer that starts with zeros) -> score.
 */
class WakeWordChainTest {
  private static final int FRAME = 1280;
  private static final int FRAMES = 30;

  @TempDir Path dir;

  @Test
  void theChainScoresEveryFrameLikeTheModelsRunByHand() throws Exception {
    // GIVEN the demo's pipeline with the fetched models, and 30 frames of simulated audio
    Path models = dir.resolve("models");
    Files.createDirectories(models);
    for (String id : List.of("oww-melspectrogram", "oww-embedding", "oww-hey-jarvis")) {
      Files.createSymbolicLink(models.resolve(id + ".onnx"), TestModels.require(id));
    }
    Path configDir = Files.createDirectories(dir.resolve("edge-agent/config"));
    Path config = configDir.resolve("demo-wakeword.yaml");
    Files.copy(Path.of("config/demo-wakeword.yaml"), config);
    PipelineConfig pipeline = AgentConfigReader.read(config).pipelines().get(0);
    InferenceEngine ort = Engines.onnxRuntime();
    SensorSource audio = new AudioProfile("mic", FRAME, false).newSource("mic-1", 5);
    List<SensorEvent> events = new ArrayList<>();
    for (int i = 0; i < FRAMES; i++) {
      events.add(audio.next(i, 1_000_000L + i * 80_000L).event());
    }

    try (Preprocessor chain = Preprocessor.of(pipeline.pre(), m -> load(ort, m.path()));
        LoadedModel head = load(ort, pipeline.model().path());
        LoadedModel mel = load(ort, models.resolve("oww-melspectrogram.onnx"));
        LoadedModel embedding = load(ort, models.resolve("oww-embedding.onnx"));
        LoadedModel wake = load(ort, models.resolve("oww-hey-jarvis.onnx"))) {
      assertThat(chain.sampleShape()).containsExactly(16, 96);
      ByHand byHand = new ByHand(mel, embedding, wake);
      List<Float> scores = new ArrayList<>();
      for (SensorEvent event : events) {
        // WHEN each frame goes through the chain and the head model
        Optional<float[]> sample = chain.apply(event);
        assertThat(sample).as("frame %d gives a sample", event.getSequence()).isPresent();
        float chainScore =
            head.run(Map.of("x.1", Tensor.ofFloats(new long[] {1, 16, 96}, sample.get())))
                .get(0)
                .toFloatArray()[0];

        // THEN the score is the one of the models run by hand on the same audio
        float expected = byHand.next(int16(event));
        assertThat(chainScore)
            .as("frame %d", event.getSequence())
            .isCloseTo(expected, within(1e-5f));
        assertThat(chainScore).isBetween(0f, 1f);
        scores.add(chainScore);
      }
      // the scores move with the audio: the chain is not replaying one window
      assertThat(scores.stream().distinct().count()).isGreaterThan(FRAMES / 2);
    }
  }

  private static LoadedModel load(InferenceEngine engine, Path file) {
    try {
      return engine.load(file, ModelOptions.builder().build());
    } catch (io.isthmus.inference.InferenceException e) {
      throw new IllegalStateException(e);
    }
  }

  private static float[] int16(SensorEvent event) {
    ByteBuffer pcm =
        event.getMedia().getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] samples = new float[pcm.remaining() / 2];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = pcm.getShort();
    }
    return samples;
  }

  /** openWakeWord's streaming, written out with plain arrays. */
  private static final class ByHand {
    private final LoadedModel mel;
    private final LoadedModel embedding;
    private final LoadedModel wake;
    private float[] audio = new float[480]; // zeros of context before the first frame
    private final List<float[]> melFrames = new ArrayList<>();
    private final List<float[]> embeddings = new ArrayList<>();

    ByHand(LoadedModel mel, LoadedModel embedding, LoadedModel wake) {
      this.mel = mel;
      this.embedding = embedding;
      this.wake = wake;
      for (int i = 0; i < 76; i++) {
        float[] ones = new float[32];
        Arrays.fill(ones, 1f);
        melFrames.add(ones);
      }
      for (int i = 0; i < 16; i++) {
        embeddings.add(new float[96]);
      }
    }

    float next(float[] frame) throws Exception {
      float[] joined = Arrays.copyOf(audio, audio.length + frame.length);
      System.arraycopy(frame, 0, joined, audio.length, frame.length);
      audio = joined;
      float[] last = Arrays.copyOfRange(audio, audio.length - 1760, audio.length);
      float[] spectrum =
          mel.run(Map.of("input", Tensor.ofFloats(new long[] {1, 1760}, last)))
              .get(0)
              .toFloatArray();
      assertThat(spectrum).hasSize(8 * 32);
      for (int f = 0; f < 8; f++) {
        float[] row = new float[32];
        for (int b = 0; b < 32; b++) {
          row[b] = spectrum[f * 32 + b] / 10f + 2f;
        }
        melFrames.add(row);
      }
      float[] window = new float[76 * 32];
      List<float[]> lastFrames = melFrames.subList(melFrames.size() - 76, melFrames.size());
      for (int f = 0; f < 76; f++) {
        System.arraycopy(lastFrames.get(f), 0, window, f * 32, 32);
      }
      embeddings.add(
          embedding
              .run(Map.of("input_1", Tensor.ofFloats(new long[] {1, 76, 32, 1}, window)))
              .get(0)
              .toFloatArray());
      float[] features = new float[16 * 96];
      List<float[]> lastEmbeddings = embeddings.subList(embeddings.size() - 16, embeddings.size());
      for (int e = 0; e < 16; e++) {
        System.arraycopy(lastEmbeddings.get(e), 0, features, e * 96, 96);
      }
      return wake.run(Map.of("x.1", Tensor.ofFloats(new long[] {1, 16, 96}, features)))
          .get(0)
          .toFloatArray()[0];
    }
  }
}
