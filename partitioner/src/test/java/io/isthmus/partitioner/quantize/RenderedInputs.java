package io.isthmus.partitioner.quantize;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.isthmus.partitioner.runtime.TensorData;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inputs drawn with java.awt that look like what the real models were trained on: text lines
 * (upright and turned 180 degrees) for the PP-OCR direction classifier, and simple faces on
 * gradient backgrounds for BlazeFace. Seeded, so every run sees the same images.
 */
final class RenderedInputs {
  private static final String[] WORDS = {
    "invoice", "gateway", "total", "sensor", "Isthmus", "2026-11-24", "batch 42", "READY",
    "temperature", "pressure", "No. 7731", "warehouse", "delivery", "ONNX", "edge", "cloud",
    "serial", "motor", "valve", "pump", "EUR 19.90", "line 3", "shift B", "ok"
  };

  private RenderedInputs() {
    System.setProperty("java.awt.headless", "true");
  }

  /** {@code count} text lines as PP-OCR's classifier takes them: x f32[1,3,48,192], in [-1, 1]. */
  static List<Map<String, TensorData>> textLines(int count, long seed) {
    System.setProperty("java.awt.headless", "true");
    SplittableRandom random = new SplittableRandom(seed);
    List<Map<String, TensorData>> samples = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      BufferedImage image = new BufferedImage(192, 48, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      int paper = 200 + random.nextInt(56);
      g.setColor(new Color(paper, paper - random.nextInt(20), paper - random.nextInt(30)));
      g.fillRect(0, 0, 192, 48);
      int ink = random.nextInt(80);
      g.setColor(new Color(ink, ink, ink + random.nextInt(60)));
      g.setFont(
          new Font(
              random.nextBoolean() ? Font.SANS_SERIF : Font.SERIF,
              Font.PLAIN,
              22 + random.nextInt(10)));
      String text = WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
      boolean turned = s % 2 == 1;
      if (turned) {
        g.rotate(Math.PI, 96, 24);
      }
      g.drawString(text, 4 + random.nextInt(10), 32 + random.nextInt(6));
      g.dispose();
      samples.add(Map.of("x", chw(image)));
    }
    return samples;
  }

  /** {@code count} scenes with one face for BlazeFace: input:0 f32[1,size,size,3], in [-1, 1]. */
  static List<Map<String, TensorData>> faces(int count, long seed, int size, String input) {
    System.setProperty("java.awt.headless", "true");
    SplittableRandom random = new SplittableRandom(seed);
    List<Map<String, TensorData>> samples = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = image.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new GradientPaint(0, 0, color(random), size, size, color(random)));
      g.fillRect(0, 0, size, size);
      int w = size / 3 + random.nextInt(size / 4);
      int h = (int) (w * 1.3);
      int x = random.nextInt(Math.max(1, size - w));
      int y = random.nextInt(Math.max(1, size - h));
      int tone = 150 + random.nextInt(90);
      g.setColor(new Color(tone, (int) (tone * 0.78), (int) (tone * 0.62)));
      g.fillOval(x, y, w, h);
      g.setColor(new Color(30, 20, 15));
      g.fillOval(x + w / 4 - w / 12, y + h * 2 / 5 - w / 16, w / 6, w / 8);
      g.fillOval(x + 3 * w / 4 - w / 12, y + h * 2 / 5 - w / 16, w / 6, w / 8);
      g.setColor(new Color(140, 50, 50));
      g.setStroke(new BasicStroke(Math.max(1, w / 20f)));
      g.drawArc(x + w / 3, y + h * 3 / 5, w / 3, h / 6, 200, 140);
      g.dispose();
      samples.add(Map.of(input, nhwc(image)));
    }
    return samples;
  }

  /** Writes each sample's only tensor as {@code dir/NNN.npy}. */
  static void writeNpy(List<Map<String, TensorData>> samples, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < samples.size(); i++) {
      TensorData t = samples.get(i).values().iterator().next();
      if (t.elemType() != DataType.FLOAT_VALUE) {
        throw new IllegalArgumentException("only float32 samples are written");
      }
      String shape = Arrays.toString(t.shape()).replace('[', '(').replace(']', ')');
      StringBuilder header =
          new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }");
      while ((10 + header.length() + 1) % 64 != 0) {
        header.append(' ');
      }
      header.append('\n');
      byte[] h = header.toString().getBytes(StandardCharsets.ISO_8859_1);
      ByteBuffer b =
          ByteBuffer.allocate(10 + h.length + t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
      b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      b.putShort((short) h.length).put(h);
      for (double v : t.values()) {
        b.putFloat((float) v);
      }
      Files.write(dir.resolve(String.format("%03d.npy", i)), b.array());
    }
  }

  private static Color color(SplittableRandom random) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
  }

  private static TensorData chw(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    ByteBuffer b = ByteBuffer.allocate(3 * w * h * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int v = (image.getRGB(x, y) >> (16 - 8 * c)) & 0xff;
          b.putFloat(v / 127.5f - 1f);
        }
      }
    }
    return new TensorData(DataType.FLOAT_VALUE, new long[] {1, 3, h, w}, b.array());
  }

  private static TensorData nhwc(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    ByteBuffer b = ByteBuffer.allocate(3 * w * h * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        for (int c = 0; c < 3; c++) {
          b.putFloat(((rgb >> (16 - 8 * c)) & 0xff) / 127.5f - 1f);
        }
      }
    }
    return new TensorData(DataType.FLOAT_VALUE, new long[] {1, h, w, 3}, b.array());
  }
}
