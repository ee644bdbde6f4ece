package io.isthmus.agent;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/** Sensor event payloads for integration tests. */
final class Payloads {
  private Payloads() {}

  static String series(long seq, int count) {
    String values =
        IntStream.range(0, count)
            .mapToObj(i -> String.format(Locale.ROOT, "%.4f", Math.sin(i * 0.3) * 0.1))
            .collect(Collectors.joining(","));
    return "{\"ts\": "
        + System.currentTimeMillis()
        + ", \"seq\": "
        + seq
        + ", \"values\": ["
        + values
        + "]}";
  }

  static String image(long seq, byte[] png) {
    return "{\"ts\": "
        + System.currentTimeMillis()
        + ", \"seq\": "
        + seq
        + ", \"mediaType\": \"image/png\", \"data\": \""
        + Base64.getEncoder().encodeToString(png)
        + "\"}";
  }

  /** A small PNG of a face-like drawing. */
  static byte[] facePng(int size) throws IOException {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, size, size);
    g.setColor(new Color(224, 172, 140));
    g.fillOval(size / 4, size / 6, size / 2, size * 2 / 3);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
