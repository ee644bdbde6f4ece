package io.isthmus.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.graph.OnnxModelFile;
import io.isthmus.partitioner.quantize.CalibrationInputs;
import io.isthmus.partitioner.quantize.SimulatedCalibration;
import io.isthmus.partitioner.quantize.SimulatedCalibration.Request;
import io.isthmus.partitioner.runtime.TensorData;
import io.isthmus.sim.model.VibrationAnomalyModel;
import io.isthmus.sim.profile.SensorSource;
import io.isthmus.sim.profile.VibrationProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The samples {@code --sim} makes: shapes of the model's input, values as the agent's
 * pre-processing leaves them, and clear refusals.
 */
class SimulatorCalibrationTest {
  private static final SimulatedCalibration SIM = new SimulatorCalibration();

  @TempDir Path dir;

  @Test
  void theImplementationIsFoundByTheServiceLoader() throws Exception {
    assertThat(SimulatedCalibration.load()).isInstanceOf(SimulatorCalibration.class);
  }

  @Test
  void vibrationSamplesAreTheProfilesWindowsAsTheAgentWindowsThem() throws Exception {
    Path model = vibrationModel(dir);

    SimulatedCalibration.Samples made =
        SIM.samples(model, inputs(model), new Request("vibration", 8, 5, Optional.empty()));

    assertThat(made.samples()).hasSize(8);
    assertThat(made.description()).startsWith("vibration -> window 256 -> window[1, 256]");
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (int k = 0; k < 8; k++) {
      TensorData sample = made.samples().get(k).get(VibrationAnomalyModel.INPUT);
      assertThat(sample.shape()).containsExactly(1, 256);
      // round-robin over 4 devices: sample k is reading k / 4 of device sim-(k % 4)
      SensorSource source =
          VibrationProfile.builder().windowSize(256).build().newSource("sim-" + k % 4, 5);
      List<Double> reading = null;
      for (int seq = 0; seq <= k / 4; seq++) {
        reading = source.next(seq, 0).event().getSeries().getValuesList();
      }
      double[] values = sample.values();
      for (int i = 0; i < 256; i++) {
        assertThat(values[i]).isEqualTo((double) reading.get(i).floatValue());
        min = Math.min(min, values[i]);
        max = Math.max(max, values[i]);
      }
    }
    // the shaft's 1 g harmonic swings both ways: nothing like synthetic inputs in [0, 1)
    assertThat(min).isLessThan(-1);
    assertThat(max).isGreaterThan(1);
  }

  @Test
  void theSameSeedMakesTheSameSamplesAndAnotherSeedOthers() throws Exception {
    Path model = vibrationModel(dir);
    List<ValueInfoProto> inputs = inputs(model);
    double[] a =
        first(SIM.samples(model, inputs, new Request("vibration", 2, 7, Optional.empty())));
    double[] b =
        first(SIM.samples(model, inputs, new Request("vibration", 2, 7, Optional.empty())));
    double[] c =
        first(SIM.samples(model, inputs, new Request("vibration", 2, 8, Optional.empty())));
    assertThat(a).containsExactly(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void cameraFramesThroughTheFacesPipelineAreSymmetricPixelsOfTheModelsShape() throws Exception {
    Path model = TestModels.require("blazeface-front-128");
    Path config = demoConfig("demo-faces.yaml", dir);

    SimulatedCalibration.Samples made =
        SIM.samples(model, inputs(model), new Request("camera", 4, 1, Optional.of(config)));

    String input = inputs(model).get(0).getName();
    double[] range = range(made.samples(), input);
    assertThat(made.samples().get(0).get(input).shape()).containsExactly(1, 128, 128, 3);
    assertThat(made.description()).contains("image 128x128 NHWC SYMMETRIC");
    // the pipeline maps pixels to [-1, 1]; the dark gradient backgrounds lie well below 0
    assertThat(range[0]).isGreaterThanOrEqualTo(-1).isLessThan(-0.5);
    assertThat(range[1]).isLessThanOrEqualTo(1).isGreaterThan(0.5);

    // without the pipeline the profile implies [0, 1] pixels for an NHWC input
    double[] implied =
        range(
            SIM.samples(model, inputs(model), new Request("camera", 4, 1, Optional.empty()))
                .samples(),
            input);
    assertThat(implied[0]).isGreaterThanOrEqualTo(0);
    assertThat(implied[1]).isLessThanOrEqualTo(1).isGreaterThan(0.5);
  }

  @Test
  void theWakeWordEmbeddingGetsTheMelFramesOfTheChainInItsSteadyState() throws Exception {
    Path model = TestModels.require("oww-embedding");
    TestModels.require("oww-melspectrogram");
    Path config = demoConfig("demo-wakeword.yaml", dir);

    SimulatedCalibration.Samples made =
        SIM.samples(model, inputs(model), new Request("audio", 6, 3, Optional.of(config)));

    String input = inputs(model).get(0).getName();
    assertThat(made.description())
        .contains("pcm 1280 -> normalize -> stream 1760/1280 oww-melspectrogram.onnx")
        .contains("stream 76/8 ->")
        .contains("stage 4's input");
    for (Map<String, TensorData> sample : made.samples()) {
      TensorData mel = sample.get(input);
      assertThat(mel.shape()).containsExactly(1, 76, 32, 1);
      double[] v = mel.values();
      // the stream starts full of 1s; after the warm-up every row is a computed mel frame
      for (int row = 0; row < 76; row++) {
        boolean fill = true;
        for (int j = 0; j < 32; j++) {
          fill &= v[row * 32 + j] == 1.0;
        }
        assertThat(fill).as("row %d is the stream's fill", row).isFalse();
      }
    }
    // openWakeWord's mel scale (x / 10 + 2) of int16-magnitude audio: about 4.7 to 11.4 here, all
    // above the [0, 1) of synthetic inputs; unscaled audio or a missing normalisation lands
    // elsewhere
    double[] range = range(made.samples(), input);
    assertThat(range[0]).isGreaterThan(1);
    assertThat(range[1]).isLessThan(20);
  }

  @Test
  void anUnknownProfileIsRefusedWithTheKnownOnes() throws Exception {
    Path model = vibrationModel(dir);
    assertThatThrownBy(
            () -> SIM.samples(model, inputs(model), new Request("thermal", 4, 1, Optional.empty())))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("unknown simulator profile 'thermal'")
        .hasMessageContaining("[vibration, environment, audio, camera]");
  }

  @Test
  void aProfileThatCannotFillTheInputNamesTheInputAndBothShapes() throws Exception {
    Path model = vibrationModel(dir);
    assertThatThrownBy(
            () ->
                SIM.samples(
                    model, inputs(model), new Request("environment", 4, 1, Optional.empty())))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("profile environment through fields [temp, rh]")
        .hasMessageContaining("makes samples of shape [2]")
        .hasMessageContaining("do not fit input window[-1, 256]");
    assertThatThrownBy(
            () -> SIM.samples(model, inputs(model), new Request("camera", 4, 1, Optional.empty())))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("do not fit input window[-1, 256]");
  }

  @Test
  void aModelWithSeveralInputsIsRefusedWithTheirNames() throws Exception {
    Path model = TestModels.require("silero-vad-v5");
    assertThatThrownBy(
            () -> SIM.samples(model, inputs(model), new Request("audio", 4, 1, Optional.empty())))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("--sim feeds models with one input")
        .hasMessageContaining("[input, state, sr]");
  }

  @Test
  void aProfileWhosePayloadThePipelineDoesNotTakeIsRefused() throws Exception {
    Path model = TestModels.require("blazeface-front-128");
    Path config = demoConfig("demo-faces.yaml", dir);
    assertThatThrownBy(
            () ->
                SIM.samples(model, inputs(model), new Request("audio", 4, 1, Optional.of(config))))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("profile audio does not fit image 128x128 NHWC SYMMETRIC")
        .hasMessageContaining("not a JPEG or PNG image");
  }

  @Test
  void aPipelineFileThatDoesNotRunTheModelIsRefused() throws Exception {
    Path model = vibrationModel(dir);
    Path config = demoConfig("demo-faces.yaml", dir);
    assertThatThrownBy(
            () ->
                SIM.samples(model, inputs(model), new Request("camera", 4, 1, Optional.of(config))))
        .isInstanceOf(PartitionException.class)
        .hasMessageContaining("no pipeline of " + config + " runs " + model)
        .hasMessageContaining("blazeface-front-128.onnx");
  }

  /** The demo's anomaly model, fitted here on fewer windows than the build's. */
  static Path vibrationModel(Path dir) throws Exception {
    Path model = dir.resolve("vibration-anomaly.onnx");
    if (!Files.exists(model)) {
      VibrationAnomalyModel.fit(VibrationProfile.defaults(), 300, 42).write(model);
    }
    return model;
  }

  /**
   * A demo configuration of the edge agent with its model paths pointed at the test models (the
   * pipelines themselves unchanged).
   */
  static Path demoConfig(String name, Path dir) throws Exception {
    Path models = TestModels.require("blazeface-front-128").getParent().toAbsolutePath();
    String yaml =
        Files.readString(Path.of("..", "edge-agent", "config", name))
            .replace("../../models/", models + "/");
    Path config = dir.resolve(name);
    Files.writeString(config, yaml);
    return config;
  }

  static List<ValueInfoProto> inputs(Path model) throws PartitionException {
    ModelProto proto = OnnxModelFile.read(model);
    return CalibrationInputs.inputs(proto.getGraph());
  }

  private static double[] first(SimulatedCalibration.Samples made) {
    return made.samples().get(0).values().iterator().next().values();
  }

  /** Min and max over the samples of {@code input}. */
  static double[] range(List<Map<String, TensorData>> samples, String input) {
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (Map<String, TensorData> s : samples) {
      for (double v : s.get(input).values()) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    return new double[] {min, max};
  }
}
