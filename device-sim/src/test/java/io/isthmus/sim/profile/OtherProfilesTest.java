package io.isthmus.sim.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.v1.SensorEvent;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtherProfilesTest {

  @Test
  void environmentDriftsWithinPlausibleRangesAndFollowsTheDailyCycle() {
    EnvironmentProfile p = EnvironmentProfile.defaults(); // one simulated minute per event
    List<SimulatedReading> day = VibrationProfileTest.take(p.newSource("room-1", 3), 1440 * 3);
    double minT = Double.MAX_VALUE;
    double maxT = -Double.MAX_VALUE;
    double maxStep = 0;
    double previous = Double.NaN;
    for (SimulatedReading r : day) {
      double t = r.event().getFields().getValuesOrThrow("temp");
      double rh = r.event().getFields().getValuesOrThrow("rh");
      assertThat(rh).isBetween(0.0, 100.0);
      minT = Math.min(minT, t);
      maxT = Math.max(maxT, t);
      if (!Double.isNaN(previous)) {
        maxStep = Math.max(maxStep, Math.abs(t - previous));
      }
      previous = t;
    }
    assertThat(minT).isGreaterThan(5.0);
    assertThat(maxT).isLessThan(35.0);
    assertThat(maxT - minT).isGreaterThan(3.0); // the 2.5 degree daily swing shows
    assertThat(maxStep).isLessThan(0.5); // a slow drift, no jumps
    assertThat(VibrationProfileTest.take(p.newSource("room-1", 3), 10))
        .isEqualTo(day.subList(0, 10));
  }

  @Test
  void audioHasSpeechAndSilenceAsLittleEndianPcm() {
    AudioProfile p = AudioProfile.defaults();
    List<SimulatedReading> frames = VibrationProfileTest.take(p.newSource("mic-1", 9), 100);
    double speechRms = 0;
    double silenceRms = 0;
    int speech = 0;
    int silence = 0;
    for (SimulatedReading r : frames) {
      SensorEvent e = r.event();
      assertThat(e.getMedia().getMediaType()).isEqualTo("audio/pcm;rate=16000");
      assertThat(e.getMedia().getData().size()).isEqualTo(3200);
      double rms = rms(e.getMedia().getData().toByteArray());
      if (r.label().equals("speech")) {
        speech++;
        speechRms += rms;
      } else {
        silence++;
        silenceRms += rms;
      }
    }
    assertThat(speech).isGreaterThan(10);
    assertThat(silence).isGreaterThan(10);
    assertThat(speechRms / speech).isGreaterThan(10 * silenceRms / silence);
    assertThat(silenceRms / silence).isLessThan(0.01);
  }

  @Test
  void audioCanSendFloatValues() {
    AudioProfile p = new AudioProfile("mic", 320, true);
    SensorEvent e = p.newSource("mic-1", 1).next(0, 0).event();
    assertThat(e.getSeries().getValuesCount()).isEqualTo(320);
    assertThat(e.getSeries().getSampleRateHz()).isEqualTo(16000);
    assertThat(e.getSeries().getValuesList()).allMatch(v -> v >= -1 && v <= 1);
  }

  @Test
  void syntheticCameraFramesAreJpegsOfTheRequestedSize() throws Exception {
    CameraProfile p = CameraProfile.synthetic(96, 64);
    SimulatedReading r = p.newSource("cam-1", 2).next(0, 0);
    BufferedImage image =
        ImageIO.read(new ByteArrayInputStream(r.event().getMedia().getData().toByteArray()));

    assertThat(r.event().getMedia().getMediaType()).isEqualTo("image/jpeg");
    assertThat(image.getWidth()).isEqualTo(96);
    assertThat(image.getHeight()).isEqualTo(64);
    assertThat(r.label()).matches("scene:[1-4]");
    assertThat(p.newSource("cam-1", 2).next(0, 0)).isEqualTo(r);
  }

  @Test
  void folderCameraSendsTheFilesInTurn(@TempDir Path dir) throws Exception {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    ImageIO.write(img, "png", dir.resolve("a.png").toFile());
    ImageIO.write(img, "jpg", dir.resolve("b.jpg").toFile());
    Files.writeString(dir.resolve("notes.txt"), "not an image");
    CameraProfile p = CameraProfile.fromFolder(dir);
    List<SimulatedReading> frames = VibrationProfileTest.take(p.newSource("cam-1", 1), 4);

    assertThat(frames).extracting(SimulatedReading::label).containsOnly("file:a.png", "file:b.jpg");
    assertThat(frames.get(0).label()).isNotEqualTo(frames.get(1).label());
    SimulatedReading png =
        frames.stream().filter(f -> f.label().equals("file:a.png")).findFirst().orElseThrow();
    assertThat(png.event().getMedia().getMediaType()).isEqualTo("image/png");
    assertThat(png.event().getMedia().getData().toByteArray())
        .isEqualTo(Files.readAllBytes(dir.resolve("a.png")));
  }

  @Test
  void emptyCameraFolderIsRejected(@TempDir Path dir) {
    assertThatThrownBy(() -> CameraProfile.fromFolder(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds no .jpg, .jpeg or .png file");
  }

  private static double rms(byte[] pcm) {
    ByteBuffer b = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
    double s = 0;
    int n = pcm.length / 2;
    for (int i = 0; i < n; i++) {
      double v = b.getShort() / 32768.0;
      s += v * v;
    }
    return Math.sqrt(s / n);
  }
}
