package io.isthmus.agent.sync;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What is installed and active per pipeline, and which desired versions were refused for good; kept
 * in {@code state.json} and replaced atomically after every change, so that a restart (with no
 * network) serves the last version that was activated. Mutated by the sync thread only; read also
 * by the heartbeat and the HTTP and test threads, hence synchronized.
 */
final class SyncState {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * One installed version: its files are in the store under their digests.
   *
   * @param key what identifies it in a desired state: {@code name@version#manifestSha256}
   * @param modelDigest the digest of the file the engine loads
   * @param format the manifest's format ({@code ONNX}, {@code TFLITE})
   * @param digests every file of the package, the manifest included
   */
  record Installed(
      String key,
      String model,
      String version,
      String modelDigest,
      String format,
      List<String> digests) {}

  /**
   * Per pipeline: installed versions, newest first; the key of the active one (null: the configured
   * model); refused desired keys with their reasons.
   */
  record Pipeline(String activeKey, List<Installed> installed, Map<String, String> refused) {
    Pipeline {
      installed = List.copyOf(installed);
      refused = Map.copyOf(refused);
    }

    Optional<String> active() {
      return Optional.ofNullable(activeKey);
    }

    Optional<Installed> activeVersion() {
      return active().flatMap(k -> installed.stream().filter(i -> i.key().equals(k)).findFirst());
    }
  }

  record Snapshot(long observedGeneration, Map<String, Pipeline> pipelines) {}

  private final Path file;
  private long observedGeneration;
  private final Map<String, Pipeline> pipelines = new LinkedHashMap<>();

  private SyncState(Path file) {
    this.file = file;
  }

  /** Reads {@code file}, or starts empty when there is none. */
  static SyncState load(Path file) throws IOException {
    SyncState state = new SyncState(file);
    if (Files.exists(file)) {
      Snapshot snapshot = JSON.readValue(file.toFile(), Snapshot.class);
      state.observedGeneration = snapshot.observedGeneration();
      state.pipelines.putAll(snapshot.pipelines());
    }
    return state;
  }

  synchronized Pipeline pipeline(String name) {
    return pipelines.getOrDefault(name, new Pipeline(null, List.of(), Map.of()));
  }

  synchronized long observedGeneration() {
    return observedGeneration;
  }

  synchronized Map<String, Pipeline> pipelines() {
    return Map.copyOf(pipelines);
  }

  synchronized void observed(long generation) throws IOException {
    observedGeneration = generation;
    save();
  }

  /**
   * Records {@code version} as installed and active, keeping the newest {@code keep} versions.
   *
   * @return the versions dropped
   */
  synchronized List<Installed> activate(String name, Installed version, int keep)
      throws IOException {
    Pipeline now = pipeline(name);
    List<Installed> list = new ArrayList<>();
    list.add(version);
    now.installed().stream().filter(i -> !i.key().equals(version.key())).forEach(list::add);
    List<Installed> dropped =
        new ArrayList<>(list.subList(Math.min(keep, list.size()), list.size()));
    list = list.subList(0, Math.min(keep, list.size()));
    pipelines.put(name, new Pipeline(version.key(), list, now.refused()));
    save();
    return dropped;
  }

  /** Makes an installed version active again (a rollback), or none (the configured model). */
  synchronized void reactivate(String name, Optional<String> key) throws IOException {
    Pipeline now = pipeline(name);
    pipelines.put(name, new Pipeline(key.orElse(null), now.installed(), now.refused()));
    save();
  }

  /** Marks a desired key as refused for good, with its reason; it is not tried again. */
  synchronized void refuse(String name, String key, String reason) throws IOException {
    Pipeline now = pipeline(name);
    Map<String, String> refused = new LinkedHashMap<>(now.refused());
    refused.put(key, reason);
    List<Installed> installed = now.installed().stream().filter(i -> !i.key().equals(key)).toList();
    pipelines.put(name, new Pipeline(now.activeKey(), installed, refused));
    save();
  }

  /** Every digest some installed version still needs. */
  synchronized Set<String> referencedDigests() {
    Set<String> all = new LinkedHashSet<>();
    pipelines.values().forEach(p -> p.installed().forEach(i -> all.addAll(i.digests())));
    return all;
  }

  private void save() throws IOException {
    AtomicFiles.write(file, JSON.writeValueAsBytes(new Snapshot(observedGeneration, pipelines)));
  }
}
