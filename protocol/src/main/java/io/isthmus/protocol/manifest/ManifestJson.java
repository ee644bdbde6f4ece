package io.isthmus.protocol.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.protocol.v1.ModelFile;
import io.isthmus.protocol.v1.ModelManifest;
import io.isthmus.protocol.v1.SignedManifest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The readable {@value ModelPackage#MANIFEST_JSON} written beside the signed manifest, for people
 * and scripts ({@code jq .files manifest.json}). It is derived from the signed bytes and never read
 * back: verification trusts only {@value ModelPackage#MANIFEST_FILE}.
 */
final class ManifestJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ManifestJson() {}

  static String render(SignedManifest envelope) {
    ObjectNode root = MAPPER.createObjectNode();
    try {
      ModelManifest manifest = ModelManifest.parseFrom(envelope.getManifest());
      root.put("name", manifest.getName());
      root.put("version", manifest.getVersion());
      root.put("format", manifest.getFormat().name());
      ArrayNode files = root.putArray("files");
      for (ModelFile file : manifest.getFilesList()) {
        files
            .addObject()
            .put("path", file.getPath())
            .put("sha256", file.getSha256())
            .put("size", file.getSize());
      }
      manifest.getPlatformsList().forEach(root.putArray("platforms")::add);
      manifest.getEnginesList().forEach(root.putArray("engines")::add);
      if (manifest.hasPartitionPlan()) {
        root.putObject("partitionPlan")
            .put("path", manifest.getPartitionPlan().getPath())
            .put("headPath", manifest.getPartitionPlan().getHeadPath())
            .put("tailPath", manifest.getPartitionPlan().getTailPath());
      }
      root.put(
          "createdAt", Instant.EPOCH.plus(manifest.getCreatedAtUs(), ChronoUnit.MICROS).toString());
    } catch (InvalidProtocolBufferException e) {
      root.put("error", "manifest bytes do not parse: " + e.getMessage());
    }
    root.put("signed", !envelope.getSignature().isEmpty());
    root.put("keyId", envelope.getKeyId());
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Rendering a JSON tree failed", e);
    }
  }
}
