package io.isthmus.agent.pipeline.post;

import java.util.ArrayList;
import java.util.List;

/**
 * Anchor centres of an SSD-style detector with fixed-size anchors, after MediaPipe's
 * SsdAnchorsCalculator as BlazeFace uses it: consecutive layers with the same stride share one grid
 * and contribute {@code anchorsPerLayer} anchors each per cell. BlazeFace front 128 (strides 8, 16,
 * 16, 16; 2 per layer) has 16x16x2 + 8x8x6 = 896 anchors. Each anchor is {cx, cy} in [0, 1].
 */
public final class SsdAnchors {
  private SsdAnchors() {}

  public static float[][] generate(int inputSize, List<Integer> strides, int anchorsPerLayer) {
    List<float[]> anchors = new ArrayList<>();
    int layer = 0;
    while (layer < strides.size()) {
      int stride = strides.get(layer);
      int sameStride = 0;
      while (layer < strides.size() && strides.get(layer) == stride) {
        sameStride++;
        layer++;
      }
      int cells = (int) Math.ceil((double) inputSize / stride);
      for (int y = 0; y < cells; y++) {
        for (int x = 0; x < cells; x++) {
          for (int a = 0; a < sameStride * anchorsPerLayer; a++) {
            anchors.add(new float[] {(x + 0.5f) / cells, (y + 0.5f) / cells});
          }
        }
      }
    }
    return anchors.toArray(new float[0][]);
  }
}
