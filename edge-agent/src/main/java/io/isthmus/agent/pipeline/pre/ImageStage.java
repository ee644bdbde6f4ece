package io.isthmus.agent.pipeline.pre;

import io.isthmus.agent.config.PreStageConfig.Layout;
import io.isthmus.agent.config.PreStageConfig.PixelRange;
import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.protocol.v1.SensorEvent;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * Decodes a JPEG or PNG media payload, resizes it (bilinear, pixel centres aligned) to width x
 * height and lays out its RGB channels as NHWC or NCHW, scaled to [0, 1] or [-1, 1].
 */
public final class ImageStage implements SourceStage {
  private final int width;
  private final int height;
  private final Layout layout;
  private final PixelRange range;

  public ImageStage(int width, int height, Layout layout, PixelRange range) {
    this.width = width;
    this.height = height;
    this.layout = layout;
    this.range = range;
  }

  @Override
  public long[] sampleShape() {
    return layout == Layout.NHWC ? new long[] {height, width, 3} : new long[] {3, height, width};
  }

  @Override
  public Optional<float[]> apply(SensorEvent event) throws RejectedEventException {
    if (!event.hasMedia()) {
      throw new RejectedEventException(
          RejectedEventException.WRONG_PAYLOAD,
          "event has " + event.getPayloadCase() + ", expected media (an image)");
    }
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(event.getMedia().getData().toByteArray()));
    } catch (IOException | RuntimeException e) {
      throw new RejectedEventException(
          RejectedEventException.BAD_IMAGE, "image cannot be decoded: " + e.getMessage(), e);
    }
    if (image == null) {
      throw new RejectedEventException(
          RejectedEventException.BAD_IMAGE,
          "media " + event.getMedia().getMediaType() + " is not a JPEG or PNG image");
    }
    return Optional.of(toTensorData(image));
  }

  /** The resized, scaled pixels of {@code image} in this stage's layout. */
  public float[] toTensorData(BufferedImage image) {
    int sw = image.getWidth();
    int sh = image.getHeight();
    int[] rgb = image.getRGB(0, 0, sw, sh, null, 0, sw);
    float[] out = new float[width * height * 3];
    float sx = (float) sw / width;
    float sy = (float) sh / height;
    for (int y = 0; y < height; y++) {
      float fy = Math.max(0, (y + 0.5f) * sy - 0.5f);
      int y0 = Math.min((int) fy, sh - 1);
      int y1 = Math.min(y0 + 1, sh - 1);
      float wy = fy - y0;
      for (int x = 0; x < width; x++) {
        float fx = Math.max(0, (x + 0.5f) * sx - 0.5f);
        int x0 = Math.min((int) fx, sw - 1);
        int x1 = Math.min(x0 + 1, sw - 1);
        float wx = fx - x0;
        for (int c = 0; c < 3; c++) {
          int shift = 16 - 8 * c;
          float top =
              lerp(channel(rgb[y0 * sw + x0], shift), channel(rgb[y0 * sw + x1], shift), wx);
          float bottom =
              lerp(channel(rgb[y1 * sw + x0], shift), channel(rgb[y1 * sw + x1], shift), wx);
          float v = lerp(top, bottom, wy) / 255f;
          if (range == PixelRange.SYMMETRIC) {
            v = v * 2f - 1f;
          }
          int index =
              layout == Layout.NHWC ? (y * width + x) * 3 + c : c * width * height + y * width + x;
          out[index] = v;
        }
      }
    }
    return out;
  }

  private static float channel(int argb, int shift) {
    return (argb >> shift) & 0xff;
  }

  private static float lerp(float a, float b, float t) {
    return a + (b - a) * t;
  }
}
