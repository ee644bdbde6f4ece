package io.isthmus.agent.config;

import io.isthmus.agent.config.PreStageConfig.Layout;
import io.isthmus.agent.config.PreStageConfig.PixelRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Reads pre- and post-processing stages: each a one-key mapping, the key naming the kind. */
final class StageConfigReader {
  private final Path baseDir;

  StageConfigReader(Path baseDir) {
    this.baseDir = baseDir;
  }

  PreStageConfig pre(ConfigNode item) {
    String kind = item.singleKey();
    ConfigNode node = item.child(kind);
    return switch (kind) {
      case "fields" -> {
        node.allowOnly("names");
        List<String> names = node.strings("names");
        if (names.isEmpty()) {
          throw new ConfigException(node.path("names"), "missing, expected a list of field names");
        }
        yield new PreStageConfig.Fields(names);
      }
      case "window" -> {
        node.allowOnly("size", "hop", "channels", "maxDevices");
        int size = node.integer("size", 0, 1, 1 << 24);
        if (!node.has("size")) {
          throw new ConfigException(node.path("size"), "missing, expected a positive integer");
        }
        int hop = node.integer("hop", size, 1, size);
        yield new PreStageConfig.Window(
            size,
            hop,
            node.integer("channels", 1, 1, 1024),
            node.integer("maxDevices", 10_000, 1, 1 << 24));
      }
      case "normalize" -> normalize(node);
      case "image" -> {
        node.allowOnly("width", "height", "layout", "range");
        yield new PreStageConfig.Image(
            node.integer("width", 224, 1, 8192),
            node.integer("height", 224, 1, 8192),
            node.choice("layout", Layout.NHWC, Map.of("NHWC", Layout.NHWC, "NCHW", Layout.NCHW)),
            node.choice(
                "range",
                PixelRange.UNIT,
                Map.of("0..1", PixelRange.UNIT, "-1..1", PixelRange.SYMMETRIC)));
      }
      case "pcm" -> {
        node.allowOnly("samples");
        yield new PreStageConfig.Pcm(node.integer("samples", 16000, 1, 1 << 24));
      }
      case "stream" -> stream(node);
      default ->
          throw new ConfigException(
              item.path(kind),
              "unknown stage, expected one of [fields, image, normalize, pcm, stream, window]");
    };
  }

  private PreStageConfig stream(ConfigNode node) {
    node.allowOnly("window", "hop", "fill", "model", "maxDevices");
    if (!node.has("window")) {
      throw new ConfigException(node.path("window"), "missing, expected a positive integer");
    }
    int window = node.integer("window", 1, 1, 1 << 24);
    int hop = node.integer("hop", window, 1, window);
    OptionalDouble fill =
        node.has("fill") ? OptionalDouble.of(node.number("fill", 0)) : OptionalDouble.empty();
    Optional<PreStageConfig.StageModel> model = Optional.empty();
    ConfigNode m = node.child("model");
    if (m.isPresent()) {
      m.allowOnly("path", "engine", "threads");
      model =
          Optional.of(
              new PreStageConfig.StageModel(
                  baseDir.resolve(m.requiredString("path", "a model file path")),
                  m.choice(
                      "engine",
                      PipelineConfig.Engine.AUTO,
                      Map.of(
                          "auto",
                          PipelineConfig.Engine.AUTO,
                          "onnxruntime",
                          PipelineConfig.Engine.ONNXRUNTIME,
                          "tflite",
                          PipelineConfig.Engine.TFLITE)),
                  m.integer("threads", 1, 1, 256)));
    }
    return new PreStageConfig.Stream(
        window, hop, fill, model, node.integer("maxDevices", 10_000, 1, 1 << 24));
  }

  private static PreStageConfig normalize(ConfigNode node) {
    node.allowOnly("mean", "std", "min", "max");
    boolean meanStd = node.has("mean") || node.has("std");
    boolean minMax = node.has("min") || node.has("max");
    if (meanStd == minMax) {
      throw new ConfigException(node.path(), "expected either mean and std, or min and max");
    }
    String a = meanStd ? "mean" : "min";
    String b = meanStd ? "std" : "max";
    List<Double> offset = node.numbers(a);
    List<Double> second = node.numbers(b);
    if (offset.isEmpty() || offset.size() != second.size()) {
      throw new ConfigException(
          node.path(b),
          second.size()
              + " values is not as many as "
              + a
              + " ("
              + offset.size()
              + ", at least 1)");
    }
    for (int i = 0; i < second.size(); i++) {
      double scale = meanStd ? second.get(i) : second.get(i) - offset.get(i);
      if (!(scale > 0)) {
        throw new ConfigException(
            node.path(b) + "[" + i + "]",
            second.get(i) + (meanStd ? " is not a positive number" : " is not above min"));
      }
    }
    return new PreStageConfig.Normalize(
        offset, meanStd ? second : subtract(second, offset), minMax);
  }

  private static List<Double> subtract(List<Double> max, List<Double> min) {
    return java.util.stream.IntStream.range(0, max.size())
        .mapToObj(i -> max.get(i) - min.get(i))
        .toList();
  }

  PostStageConfig post(ConfigNode item) {
    String kind = item.singleKey();
    ConfigNode node = item.child(kind);
    return switch (kind) {
      case "score" -> {
        node.allowOnly("threshold");
        yield new PostStageConfig.Score(node.number("threshold", 0.5));
      }
      case "argmax" -> {
        node.allowOnly("labels");
        yield new PostStageConfig.TopK(1, labels(node));
      }
      case "topk" -> {
        node.allowOnly("k", "labels");
        yield new PostStageConfig.TopK(node.integer("k", 5, 1, 1000), labels(node));
      }
      case "detections" -> detections(node);
      case "raw" -> {
        node.allowOnly();
        yield new PostStageConfig.Raw();
      }
      default ->
          throw new ConfigException(
              item.path(kind),
              "unknown stage, expected one of [argmax, detections, raw, score, topk]");
    };
  }

  private static PostStageConfig detections(ConfigNode node) {
    node.allowOnly(
        "inputSize",
        "strides",
        "anchorsPerLayer",
        "scores",
        "boxes",
        "scoreThreshold",
        "iou",
        "maxDetections");
    List<Integer> strides =
        node.has("strides") ? node.positiveIntegers("strides") : List.of(8, 16, 16, 16);
    return new PostStageConfig.Detections(
        node.integer("inputSize", 128, 1, 8192),
        strides,
        node.integer("anchorsPerLayer", 2, 1, 64),
        node.has("scores") ? nonNegative(node, "scores") : List.of(0),
        node.has("boxes") ? nonNegative(node, "boxes") : List.of(1),
        node.number("scoreThreshold", 0.75),
        node.number("iou", 0.3),
        node.integer("maxDetections", 100, 1, 10_000));
  }

  private static List<Integer> nonNegative(ConfigNode node, String key) {
    return node.list(key).stream()
        .map(
            item -> {
              if (!item.raw().isIntegralNumber() || item.raw().intValue() < 0) {
                throw new ConfigException(
                    item.path(),
                    ConfigNode.describe(item.raw()) + " is not an output index (0, 1, ...)");
              }
              return item.raw().intValue();
            })
        .toList();
  }

  private java.util.Optional<Path> labels(ConfigNode node) {
    java.util.Optional<Path> labels = node.file("labels").map(baseDir::resolve);
    labels.ifPresent(
        p -> {
          if (!Files.isReadable(p)) {
            throw new ConfigException(node.path("labels"), "\"" + p + "\" is not a readable file");
          }
        });
    return labels;
  }

  /** The first stage makes the tensor from the event; later ones may only normalise it. */
  static void checkOrder(String path, List<PreStageConfig> pre) {
    for (int i = 0; i < pre.size(); i++) {
      boolean source =
          !(pre.get(i) instanceof PreStageConfig.Normalize
              || pre.get(i) instanceof PreStageConfig.Stream);
      if (source != (i == 0)) {
        throw new ConfigException(
            path + "[" + i + "]",
            (source ? "a second source stage" : "normalize or stream as the first stage")
                + " is not allowed, expected one of fields, window, image or pcm first, then"
                + " normalize and stream stages");
      }
    }
  }
}
