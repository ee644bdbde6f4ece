package io.isthmus.packaging.cloud;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the manifests of this module (paths relative to it) as YAML documents and typed objects.
 */
final class Manifests {
  /** Strict: a misspelt field of a typed model fails instead of landing in additionalProperties. */
  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private Manifests() {}

  static Path file(String relative) {
    Path path = Path.of(relative);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(relative + " not found from " + Path.of("").toAbsolutePath());
    }
    return path;
  }

  static String text(String relative) {
    try {
      return Files.readString(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every document of a (multi-document) YAML text. */
  static List<JsonNode> documents(String yaml) {
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
      YAML.readValues(parser, JsonNode.class)
          .forEachRemaining(
              d -> {
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                  docs.add(d);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  static <T> T as(JsonNode doc, Class<T> type) {
    try {
      return YAML.treeToValue(doc, type);
    } catch (IOException e) {
      throw new UncheckedIOException(type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  static <T> T read(String relative, Class<T> type) {
    List<JsonNode> docs = documents(text(relative));
    if (docs.size() != 1) {
      throw new IllegalStateException(
          relative + " holds " + docs.size() + " documents, expected 1");
    }
    return as(docs.get(0), type);
  }
}
