package io.isthmus.sim.profile;

import com.google.protobuf.ByteString;
import io.isthmus.protocol.v1.MediaPayload;
import io.isthmus.protocol.v1.SensorEvent;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Camera frames: either synthetic scenes drawn with java.awt (a gradient background and one to four
 * filled rectangles and ellipses, encoded as JPEG; label {@code scene:N} with N shapes) or the JPEG
 * and PNG files of a folder, in name order, round-robin per device (label {@code file:NAME}).
 */
public final class CameraProfile implements SensorProfile {
  public static final int DEFAULT_WIDTH = 160;
  public static final int DEFAULT_HEIGHT = 120;

  private final String stream;
  private final int width;
  private final int height;
  private final List<Path> files;

  private CameraProfile(String stream, int width, int height, List<Path> files) {
    this.stream = Checks.topicLevel(stream, "stream");
    this.width = Checks.range(width, 8, 4096, "width");
    this.height = Checks.range(height, 8, 4096, "height");
    this.files = files;
  }

  /** Synthetic scenes of {@code width} x {@code height} pixels on stream {@code camera0}. */
  public static CameraProfile synthetic(int width, int height) {
    return new CameraProfile("camera0", width, height, List.of());
  }

  /**
   * The {@code .jpg}, {@code .jpeg} and {@code .png} files of {@code folder}, each checked to be
   * readable by ImageIO.
   *
   * @throws IllegalArgumentException if the folder holds no such file or one that ImageIO cannot
   *     decode
   * @throws UncheckedIOException if the folder cannot be listed
   */
  public static CameraProfile fromFolder(Path folder) {
    List<Path> images;
    try (Stream<Path> list = Files.list(folder)) {
      images = list.filter(p -> mediaType(p) != null).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list camera folder " + folder, e);
    }
    if (images.isEmpty()) {
      throw new IllegalArgumentException(
          "Camera folder " + folder + " holds no .jpg, .jpeg or .png file");
    }
    for (Path image : images) {
      try {
        if (ImageIO.read(image.toFile()) == null) {
          throw new IllegalArgumentException("ImageIO cannot decode " + image);
        }
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot read image " + image, e);
      }
    }
    return new CameraProfile("camera0", DEFAULT_WIDTH, DEFAULT_HEIGHT, images);
  }

  @Override
  public String name() {
    return "camera";
  }

  @Override
  public String stream() {
    return stream;
  }

  @Override
  public SensorSource newSource(String deviceId, long seed) {
    SplittableRandom rng = new SplittableRandom(Seeds.forDevice(seed, deviceId));
    int offset = files.isEmpty() ? 0 : rng.nextInt(files.size());
    return new SensorSource() {
      private long count;

      @Override
      public SimulatedReading next(long sequence, long timestampUs) {
        byte[] data;
        String mediaType;
        String label;
        if (files.isEmpty()) {
          int shapes = 1 + rng.nextInt(4);
          data = jpeg(scene(rng, shapes));
          mediaType = "image/jpeg";
          label = "scene:" + shapes;
        } else {
          Path file = files.get((int) ((offset + count) % files.size()));
          try {
            data = Files.readAllBytes(file);
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot read camera frame " + file, e);
          }
          mediaType = mediaType(file);
          label = "file:" + file.getFileName();
        }
        count++;
        SensorEvent event =
            SensorEvent.newBuilder()
                .setDeviceId(deviceId)
                .setStream(stream)
                .setSequence(sequence)
                .setTimestampUs(timestampUs)
                .setMedia(
                    MediaPayload.newBuilder()
                        .setMediaType(mediaType)
                        .setData(ByteString.copyFrom(data)))
                .build();
        return new SimulatedReading(event, false, label);
      }
    };
  }

  private BufferedImage scene(SplittableRandom rng, int shapes) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new GradientPaint(0, 0, color(rng, 60), 0, height, color(rng, 60)));
      g.fillRect(0, 0, width, height);
      for (int i = 0; i < shapes; i++) {
        g.setColor(color(rng, 255));
        int w = width / 8 + rng.nextInt(width / 3);
        int h = height / 8 + rng.nextInt(height / 3);
        int x = rng.nextInt(width - w);
        int y = rng.nextInt(height - h);
        if (rng.nextBoolean()) {
          g.fillRect(x, y, w, h);
        } else {
          g.fillOval(x, y, w, h);
        }
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  private static Color color(SplittableRandom rng, int max) {
    return new Color(rng.nextInt(max + 1), rng.nextInt(max + 1), rng.nextInt(max + 1));
  }

  private static byte[] jpeg(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "jpg", out)) {
        throw new IllegalStateException("This JDK has no ImageIO JPEG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("JPEG encoding failed", e);
    }
    return out.toByteArray();
  }

  private static String mediaType(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
      return "image/jpeg";
    }
    if (name.endsWith(".png")) {
      return "image/png";
    }
    return null;
  }
}
