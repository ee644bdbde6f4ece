package io.isthmus.calibration;

import io.isthmus.agent.config.AgentConfig;
import io.isthmus.agent.config.AgentConfigReader;
import io.isthmus.agent.config.ConfigException;
import io.isthmus.agent.config.PipelineConfig;
import io.isthmus.agent.config.PreStageConfig;
import io.isthmus.inference.TensorSpec;
import io.isthmus.partitioner.PartitionException;
import io.isthmus.partitioner.PartitionException.Code;
import io.isthmus.sim.profile.AudioProfile;
import io.isthmus.sim.profile.CameraProfile;
import io.isthmus.sim.profile.EnvironmentProfile;
import io.isthmus.sim.profile.SensorProfile;
import io.isthmus.sim.profile.VibrationProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What feeds a model on a gateway: a simulated sensor and the pre-processing stages between its
 * events and the model's input, either those of a pipeline in an agent configuration or those the
 * profile implies for the model's input shape.
 *
 * @param pipeline the pipeline's name, for messages
 * @param profile the simulated sensor, with the frame size the first stage takes
 * @param stages the pre-processing, a source stage first
 * @param origin how the stages were chosen, for the report line
 */
record GatewayFeed(
    String pipeline, SensorProfile profile, List<PreStageConfig> stages, String origin) {

  /** The profiles {@code --sim} knows, in the order they are listed. */
  static final List<String> PROFILES = List.of("vibration", "environment", "audio", "camera");

  /** How many devices every event stream may hold state for. */
  private static final int MAX_DEVICES = 64;

  /** The fields the environment profile sends. */
  private static final List<String> ENVIRONMENT_FIELDS = List.of("temp", "rh");

  GatewayFeed {
    stages = List.copyOf(stages);
  }

  /**
   * The stages the profile implies for {@code input}: vibration and audio fill the input with one
   * window or PCM frame of as many samples, environment gives its two fields, camera frames are
   * resized to the input's height and width (NHWC or NCHW) with pixels in [0, 1].
   *
   * @throws PartitionException {@link Code#BAD_INPUT} for an unknown profile, or an input shape
   *     that the profile cannot fill (naming the input and its shape)
   */
  static GatewayFeed implied(String profileName, TensorSpec input) throws PartitionException {
    checkKnown(profileName);
    long[] shape = input.shape();
    long[] sample = shape.length == 0 ? shape : Arrays.copyOfRange(shape, 1, shape.length);
    if (Arrays.stream(sample).anyMatch(d -> d < 0)) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "input "
              + input.name()
              + Arrays.toString(shape)
              + " has open dimensions besides the batch: give --pipeline CONFIG, whose"
              + " pre-processing fixes them");
    }
    long elements = Arrays.stream(sample).reduce(1, (a, b) -> a * b);
    String name = "sim-" + profileName;
    String origin = "the pre-processing " + profileName + " implies for the input";
    return switch (profileName) {
      case "vibration" -> {
        int size = samples(profileName, input, elements, 16, 65_536);
        yield new GatewayFeed(
            name,
            VibrationProfile.builder().windowSize(size).build(),
            List.of(new PreStageConfig.Window(size, size, 1, MAX_DEVICES)),
            origin);
      }
      case "audio" -> {
        int size = samples(profileName, input, elements, 16, AudioProfile.SAMPLE_RATE_HZ * 10);
        yield new GatewayFeed(
            name,
            new AudioProfile("mic", size, false),
            List.of(new PreStageConfig.Pcm(size)),
            origin);
      }
      case "environment" ->
          new GatewayFeed(
              name,
              EnvironmentProfile.defaults(),
              List.of(new PreStageConfig.Fields(ENVIRONMENT_FIELDS)),
              origin);
      default -> new GatewayFeed(name, camera(), List.of(image(input, sample)), origin);
    };
  }

  /**
   * The stages of the pipeline in {@code config} that runs {@code model}: all of them when it is
   * the pipeline's model; when it is the model of a stream stage, the stages before it and the
   * stream's window of rows, which is what that model is run on.
   *
   * @throws PartitionException {@link Code#BAD_INPUT} for an unknown profile, a configuration that
   *     does not load, or one with no pipeline running {@code model} (listing the models it runs)
   */
  static GatewayFeed fromPipeline(String profileName, Path config, Path model)
      throws PartitionException {
    checkKnown(profileName);
    AgentConfig agent;
    try {
      agent = AgentConfigReader.read(config);
    } catch (ConfigException e) {
      throw new PartitionException(Code.BAD_INPUT, config + ": " + e.getMessage(), e);
    }
    List<Path> seen = new ArrayList<>();
    for (PipelineConfig p : agent.pipelines()) {
      List<PreStageConfig> pre = p.pre();
      if (sameFile(p.model().path(), model)) {
        return new GatewayFeed(
            p.name(),
            profileFor(profileName, pre.get(0)),
            pre,
            "pipeline " + p.name() + " of " + config);
      }
      seen.add(p.model().path());
      for (int i = 1; i < pre.size(); i++) {
        if (pre.get(i) instanceof PreStageConfig.Stream s && s.model().isPresent()) {
          Path stageModel = s.model().get().path();
          if (sameFile(stageModel, model)) {
            List<PreStageConfig> before = new ArrayList<>(pre.subList(0, i));
            before.add(
                new PreStageConfig.Stream(
                    s.window(), s.hop(), s.fill(), Optional.empty(), s.maxDevices()));
            return new GatewayFeed(
                p.name(),
                profileFor(profileName, pre.get(0)),
                before,
                "pipeline " + p.name() + " of " + config + ", stage " + i + "'s input");
          }
          seen.add(stageModel);
        }
      }
    }
    throw new PartitionException(
        Code.BAD_INPUT,
        "no pipeline of "
            + config
            + " runs "
            + model
            + ", as its model or in a stream stage; it runs "
            + seen);
  }

  /** The stages in a few words, e.g. {@code pcm 1280 -> normalize -> stream 1760/1280}. */
  String stagesText() {
    return stages.stream().map(GatewayFeed::stageText).collect(Collectors.joining(" -> "));
  }

  private static String stageText(PreStageConfig stage) {
    if (stage instanceof PreStageConfig.Window w) {
      return "window " + w.size() + (w.channels() > 1 ? "x" + w.channels() : "");
    } else if (stage instanceof PreStageConfig.Fields f) {
      return "fields " + f.names();
    } else if (stage instanceof PreStageConfig.Image i) {
      return "image " + i.width() + "x" + i.height() + " " + i.layout() + " " + i.range();
    } else if (stage instanceof PreStageConfig.Pcm p) {
      return "pcm " + p.samples();
    } else if (stage instanceof PreStageConfig.Stream s) {
      return "stream "
          + s.window()
          + "/"
          + s.hop()
          + (s.model().isPresent() ? " " + s.model().get().path().getFileName() : "");
    }
    return "normalize";
  }

  private static void checkKnown(String profileName) throws PartitionException {
    if (!PROFILES.contains(profileName)) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "unknown simulator profile '" + profileName + "', expected one of " + PROFILES);
    }
  }

  /**
   * The profile, its frames sized for {@code source}: a vibration window as long as the pipeline's
   * window (one event fills it), audio frames of the PCM stage's size (the only size it takes) or,
   * for a window source, float-valued frames as long as the window.
   */
  private static SensorProfile profileFor(String profileName, PreStageConfig source) {
    return switch (profileName) {
      case "vibration" ->
          source instanceof PreStageConfig.Window w
              ? VibrationProfile.builder().windowSize(Math.max(16, w.size())).build()
              : VibrationProfile.defaults();
      case "audio" -> {
        if (source instanceof PreStageConfig.Pcm p) {
          yield new AudioProfile("mic", p.samples(), false);
        } else if (source instanceof PreStageConfig.Window w) {
          yield new AudioProfile("mic", w.size(), true);
        }
        yield AudioProfile.defaults();
      }
      case "environment" -> EnvironmentProfile.defaults();
      default -> camera();
    };
  }

  /** The simulator's camera: synthetic scenes at its default size, as {@code sim run} sends. */
  private static CameraProfile camera() {
    return CameraProfile.synthetic(CameraProfile.DEFAULT_WIDTH, CameraProfile.DEFAULT_HEIGHT);
  }

  private static PreStageConfig.Image image(TensorSpec input, long[] sample)
      throws PartitionException {
    if (sample.length == 3 && sample[2] == 3) {
      return new PreStageConfig.Image(
          (int) sample[1],
          (int) sample[0],
          PreStageConfig.Layout.NHWC,
          PreStageConfig.PixelRange.UNIT);
    } else if (sample.length == 3 && sample[0] == 3) {
      return new PreStageConfig.Image(
          (int) sample[2],
          (int) sample[1],
          PreStageConfig.Layout.NCHW,
          PreStageConfig.PixelRange.UNIT);
    }
    throw new PartitionException(
        Code.BAD_INPUT,
        "profile camera makes RGB images, which do not fit input "
            + input.name()
            + Arrays.toString(input.shape())
            + ": expected [N, H, W, 3] or [N, 3, H, W]");
  }

  private static int samples(String profileName, TensorSpec input, long elements, int min, int max)
      throws PartitionException {
    if (elements < min || elements > max) {
      throw new PartitionException(
          Code.BAD_INPUT,
          "profile "
              + profileName
              + " sends frames of "
              + min
              + " to "
              + max
              + " samples, which do not fit input "
              + input.name()
              + Arrays.toString(input.shape())
              + " ("
              + elements
              + " values per sample)");
    }
    return (int) elements;
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }
  }
}
