package io.isthmus.agent.pipeline.pre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.agent.config.PreStageConfig.Layout;
import io.isthmus.agent.config.PreStageConfig.PixelRange;
import io.isthmus.agent.pipeline.RejectedEventException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageAndPcmTest {

  /** 2x1 image: left pixel black, right pixel pure red. */
  private static BufferedImage blackRed() {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0x000000);
    image.setRGB(1, 0, 0xff0000);
    return image;
  }

  @Test
  void bilinearUpscaleInterpolatesBetweenPixelCentres() {
    // GIVEN 2x1 -> 4x1: the new pixel centres sit at source x = -0.25 (clamped 0), 0.25, 0.75, 1.25
    ImageStage stage = new ImageStage(4, 1, Layout.NHWC, PixelRange.UNIT);

    float[] out = stage.toTensorData(blackRed());

    float[] red = {out[0], out[3], out[6], out[9]};
    assertThat(red[0]).isCloseTo(0f, within(1e-6f));
    assertThat(red[1]).isCloseTo(0.25f, within(1e-6f));
    assertThat(red[2]).isCloseTo(0.75f, within(1e-6f));
    assertThat(red[3]).isCloseTo(1f, within(1e-6f));
    assertThat(new float[] {out[1], out[2], out[10], out[11]}).containsOnly(0f);
  }

  @Test
  void nchwSymmetricPutsChannelsFirstIn_minus1To1() {
    ImageStage stage = new ImageStage(2, 1, Layout.NCHW, PixelRange.SYMMETRIC);

    float[] out = stage.toTensorData(blackRed());

    // R plane, G plane, B plane, each [black, red]
    assertThat(out).containsExactly(-1f, 1f, -1f, -1f, -1f, -1f);
    assertThat(stage.sampleShape()).containsExactly(3, 1, 2);
  }

  @Test
  void decodesPngFromTheEventAndDownscales() throws Exception {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        image.setRGB(x, y, 0x336699);
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    ImageStage stage = new ImageStage(4, 4, Layout.NHWC, PixelRange.UNIT);

    float[] out = stage.apply(Events.media("image/png", png.toByteArray())).get();

    assertThat(out).hasSize(4 * 4 * 3);
    assertThat(out[0]).isCloseTo(0x33 / 255f, within(1e-6f));
    assertThat(out[1]).isCloseTo(0x66 / 255f, within(1e-6f));
    assertThat(out[47]).isCloseTo(0x99 / 255f, within(1e-6f));
  }

  @Test
  void undecodableBytesAreABadImage() {
    ImageStage stage = new ImageStage(4, 4, Layout.NHWC, PixelRange.UNIT);

    assertThatThrownBy(() -> stage.apply(Events.media("image/jpeg", new byte[] {1, 2, 3})))
        .isInstanceOf(RejectedEventException.class)
        .extracting(e -> ((RejectedEventException) e).reason())
        .isEqualTo(RejectedEventException.BAD_IMAGE);
  }

  @Test
  void pcmIsScaledByOneOver32768() throws Exception {
    ByteBuffer pcm = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    pcm.putShort((short) 0)
        .putShort((short) 16384)
        .putShort((short) -32768)
        .putShort((short) 32767);
    PcmStage stage = new PcmStage(4);

    float[] out = stage.apply(Events.media("audio/pcm", pcm.array())).get();

    assertThat(out).containsExactly(0f, 0.5f, -1f, 32767 / 32768f);
  }

  @Test
  void pcmOfAnotherLengthIsAWrongShape() {
    PcmStage stage = new PcmStage(4);

    assertThatThrownBy(() -> stage.apply(Events.media("audio/pcm", new byte[6])))
        .isInstanceOf(RejectedEventException.class)
        .hasMessage("PCM of 6 bytes, expected 8 (4 16-bit samples)");
  }
}
