package io.isthmus.agent.pipeline.post;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.isthmus.agent.config.PostStageConfig;
import io.isthmus.agent.config.PreStageConfig.Layout;
import io.isthmus.agent.config.PreStageConfig.PixelRange;
import io.isthmus.agent.pipeline.pre.ImageStage;
import io.isthmus.inference.Engines;
import io.isthmus.inference.InferenceEngine;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.protocol.v1.InferenceResult;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DetectionsTest {
  private static final PostStageConfig.Detections BLAZEFACE =
      new PostStageConfig.Detections(
          128, List.of(8, 16, 16, 16), 2, List.of(0, 1), List.of(2, 3), 0.5, 0.3, 100);

  @Test
  void nmsKeepsTheBestOfOverlappingBoxesAndSeparateOnes() {
    Detection a = new Detection(0, 0, 10, 10, 0.9f);
    Detection b = new Detection(1, 1, 11, 11, 0.8f); // IoU with a = 81 / 119 = 0.68
    Detection c = new Detection(20, 20, 30, 30, 0.7f);
    Detection d = new Detection(5, 0, 15, 10, 0.6f); // IoU with a = 50 / 150 = 0.33

    assertThat(a.iou(b)).isCloseTo(81f / 119f, within(1e-6f));
    assertThat(NonMaxSuppression.apply(List.of(d, c, b, a), 0.5f, 10)).containsExactly(a, c, d);
    assertThat(NonMaxSuppression.apply(List.of(d, c, b, a), 0.3f, 10)).containsExactly(a, c);
    assertThat(NonMaxSuppression.apply(List.of(d, c, b, a), 0.5f, 1)).containsExactly(a);
  }

  @Test
  void blazeFaceFrontHas896AnchorsCentredOnTheirGrids() {
    float[][] anchors = SsdAnchors.generate(128, List.of(8, 16, 16, 16), 2);

    assertThat(anchors).hasNumberOfRows(896);
    assertThat(anchors[0]).containsExactly(0.5f / 16, 0.5f / 16);
    assertThat(anchors[1]).containsExactly(0.5f / 16, 0.5f / 16);
    assertThat(anchors[2]).containsExactly(1.5f / 16, 0.5f / 16);
    assertThat(anchors[512]).containsExactly(0.5f / 8, 0.5f / 8);
    assertThat(anchors[895]).containsExactly(7.5f / 8, 7.5f / 8);
  }

  @Test
  void decodesBoxesRelativeToTheirAnchor() throws Exception {
    // GIVEN one confident anchor (index 2: cell x=1, y=0 of the 16x16 grid) with a 32x16 px box
    float[] scores = new float[512];
    java.util.Arrays.fill(scores, -10f);
    scores[2] = 5f;
    float[] boxes = new float[512 * 16];
    boxes[2 * 16] = 8f; // dx px
    boxes[2 * 16 + 2] = 32f;
    boxes[2 * 16 + 3] = 16f;
    Outputs outputs =
        new Outputs(
            new java.util.LinkedHashMap<>(
                Map.of(
                    "s0", Tensor.ofFloats(new long[] {1, 512, 1}, scores),
                    "b0", Tensor.ofFloats(new long[] {1, 512, 16}, boxes))));
    PostStageConfig.Detections config =
        new PostStageConfig.Detections(128, List.of(8), 2, List.of(0), List.of(1), 0.5, 0.3, 10);
    int s = outputs.names().indexOf("s0");
    config =
        new PostStageConfig.Detections(
            128, List.of(8), 2, List.of(s), List.of(1 - s), 0.5, 0.3, 10);

    List<Detection> found = new DetectionsPost(config).decode(outputs);

    float cx = 1.5f / 16 + 8f / 128;
    float cy = 0.5f / 16;
    assertThat(found).hasSize(1);
    assertThat(found.get(0).xmin()).isCloseTo(cx - 0.125f, within(1e-6f));
    assertThat(found.get(0).xmax()).isCloseTo(cx + 0.125f, within(1e-6f));
    assertThat(found.get(0).ymin()).isCloseTo(cy - 0.0625f, within(1e-6f));
    assertThat(found.get(0).score()).isCloseTo((float) (1 / (1 + Math.exp(-5))), within(1e-6f));
  }

  @Test
  void realBlazeFaceOnASyntheticImageGivesOrderedNormalisedBoxes() throws Exception {
    // GIVEN a synthetic "face": a skin-toned ellipse with two dark eyes on grey
    BufferedImage image = new BufferedImage(128, 128, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, 128, 128);
    g.setColor(new Color(224, 172, 140));
    g.fillOval(34, 24, 60, 80);
    g.setColor(Color.BLACK);
    g.fillOval(48, 50, 10, 6);
    g.fillOval(70, 50, 10, 6);
    g.fillOval(56, 80, 16, 5);
    g.dispose();
    float[] pixels =
        new ImageStage(128, 128, Layout.NHWC, PixelRange.SYMMETRIC).toTensorData(image);
    DetectionsPost post =
        new DetectionsPost(
            new PostStageConfig.Detections(
                128, List.of(8, 16, 16, 16), 2, List.of(0, 1), List.of(2, 3), 0.0, 0.3, 5));

    try (InferenceEngine engine = Engines.onnxRuntime();
        LoadedModel model = engine.load(TestModels.require("blazeface-front-128"))) {
      Outputs out =
          model.run(Map.of("input:0", Tensor.ofFloats(new long[] {1, 128, 128, 3}, pixels)));
      InferenceResult.Builder result = InferenceResult.newBuilder();
      post.apply(out, result);
      List<Detection> found = post.decode(out);

      // THEN with threshold 0 at most 5 boxes come back, best first, with finite coordinates
      assertThat(post.anchorCount()).isEqualTo(896);
      assertThat(found).hasSize(5);
      for (int i = 1; i < found.size(); i++) {
        assertThat(found.get(i).score()).isLessThanOrEqualTo(found.get(i - 1).score());
      }
      for (Detection d : found) {
        assertThat(d.xmax()).isGreaterThanOrEqualTo(d.xmin());
        assertThat(d.ymax()).isGreaterThanOrEqualTo(d.ymin());
        assertThat(d.xmin()).isBetween(-1f, 2f);
      }
      assertThat(result.getOutputs(0).getShapeList()).containsExactly(5L, 5L);
      // the best box is centred on the drawn face (x 34..94, y 24..104 of 128): measured 0.80
      Detection best = found.get(0);
      assertThat(best.score()).isGreaterThan(0.5f);
      assertThat((best.xmin() + best.xmax()) / 2).isBetween(48f / 128, 80f / 128);
      assertThat((best.ymin() + best.ymax()) / 2).isBetween(44f / 128, 84f / 128);
      assertThat(result.getSummary().getScore()).isEqualTo(found.get(0).score(), within(1e-6));
      System.out.println("blazeface best on synthetic face: " + found.get(0));
    }
  }
}
