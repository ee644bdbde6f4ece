package io.isthmus.partitioner.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reading, writing and deriving {@link Profile}s. */
public final class Profiles {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private Profiles() {}

  /**
   * The profile of a device that was not measured, computed from {@code measured}'s by dividing
   * every node time by {@code speedFactor} (8 reads "8 times faster"). The result names {@code
   * measured}'s device in {@code derivedFrom}, so a plan can say its figures were not measured.
   *
   * @throws IllegalArgumentException if {@code speedFactor} is not a finite number > 0, or {@code
   *     measured} is itself derived
   */
  public static Profile derive(Profile measured, double speedFactor, String device) {
    if (!(speedFactor > 0 && Double.isFinite(speedFactor))) {
      throw new IllegalArgumentException(
          "Speed factor must be a finite number > 0, got " + speedFactor);
    }
    if (measured.derived()) {
      throw new IllegalArgumentException(
          "Profile of "
              + measured.device()
              + " is itself derived from "
              + measured.derivedFrom()
              + "; derive from the measured profile instead");
    }
    Map<String, NodeProfile> nodes = new LinkedHashMap<>();
    measured.nodes().forEach((id, node) -> nodes.put(id, node.scaled(speedFactor)));
    return new Profile(
        device,
        measured.model(),
        measured.modelSha256(),
        measured.runs(),
        measured.warmupRuns(),
        measured.threads(),
        measured.graphOptimization(),
        measured.aggregate(),
        measured.device(),
        speedFactor,
        nodes,
        measured.inputBytes(),
        measured.unattributedMs() / speedFactor,
        Profile.sumMs(nodes));
  }

  /**
   * Reads a profile file.
   *
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if it is no profile, naming the file and the problem
   */
  public static Profile read(Path file) throws IOException {
    try {
      return JSON.readValue(Files.readAllBytes(file), Profile.class);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("No profile file at " + file, e);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "Profile "
              + file
              + " is not a profile written by `partition profile`: "
              + e.getOriginalMessage(),
          e);
    }
  }

  /** Writes {@code profile} as indented JSON to {@code file}, creating missing folders. */
  public static void write(Profile profile, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, toJson(profile));
  }

  /** The profile's JSON. */
  public static byte[] toJson(Profile profile) {
    try {
      return JSON.writeValueAsBytes(profile);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A profile always serialises", e);
    }
  }

  /** The sha256 of a file's bytes, lower-case hex. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JDK has SHA-256", e);
    }
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
