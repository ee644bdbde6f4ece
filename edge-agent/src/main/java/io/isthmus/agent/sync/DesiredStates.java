package io.isthmus.agent.sync;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.protocol.v1.DesiredState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desired state the agent works toward: the newest (by generation) that arrived from the
 * retained MQTT message or the local desired file, cached in {@code desired.pb} so that a restart
 * with no network resumes it. Used by the sync thread only.
 */
final class DesiredStates {
  private static final Logger LOG = LoggerFactory.getLogger(DesiredStates.class);

  /** The reason code of a payload that is not a {@code DesiredState}. */
  static final String MALFORMED = "malformed_desired";

  private final Path cache;
  private final Optional<Path> file;
  private DesiredState current;
  private String fileStamp = "";

  private DesiredStates(Path cache, Optional<Path> file, DesiredState current) {
    this.cache = cache;
    this.file = file;
    this.current = current;
  }

  /** Starts from the cached state in {@code cache}, if any and readable. */
  static DesiredStates open(Path cache, Optional<Path> file) throws IOException {
    DesiredState cached = DesiredState.getDefaultInstance();
    if (Files.exists(cache)) {
      try {
        cached = DesiredState.parseFrom(Files.readAllBytes(cache));
      } catch (InvalidProtocolBufferException e) {
        LOG.warn("sync ignored a damaged {}: {}", cache, e.getMessage());
      }
    }
    return new DesiredStates(cache, file, cached);
  }

  DesiredState current() {
    return current;
  }

  /**
   * Takes a received payload: returns the state to reconcile, or empty when it is older than the
   * current one or an empty (cleared) retained message.
   *
   * @throws SyncException ({@value #MALFORMED}) when it is not a {@code DesiredState}
   */
  Optional<DesiredState> accept(byte[] payload, String source) throws SyncException {
    if (payload.length == 0) {
      return Optional.empty();
    }
    DesiredState next;
    try {
      next = DesiredState.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new SyncException(
          MALFORMED,
          "the desired state from " + source + " is not a DesiredState: " + e.getMessage(),
          e);
    }
    if (next.getGeneration() < current.getGeneration()) {
      LOG.info(
          "sync ignored desired generation {} from {}: {} is newer",
          next.getGeneration(),
          source,
          current.getGeneration());
      return Optional.empty();
    }
    try {
      AtomicFiles.write(cache, payload);
    } catch (IOException e) {
      // it is still acted on now; only a restart without network would not know it
      LOG.warn("sync could not cache the desired state: {}", e.toString());
    }
    current = next;
    return Optional.of(next);
  }

  /** The desired file's bytes when it changed since the last call (or first appeared). */
  Optional<byte[]> changedFile() {
    if (file.isEmpty() || !Files.isRegularFile(file.get())) {
      return Optional.empty();
    }
    try {
      String stamp = Files.getLastModifiedTime(file.get()) + "/" + Files.size(file.get());
      if (stamp.equals(fileStamp)) {
        return Optional.empty();
      }
      byte[] bytes = Files.readAllBytes(file.get());
      fileStamp = stamp;
      return Optional.of(bytes);
    } catch (IOException e) {
      LOG.warn("sync could not read {}: {}", file.get(), e.toString());
      return Optional.empty();
    }
  }

  /** Where the desired file is, for messages. */
  String fileName() {
    return file.map(Path::toString).orElse("(none)");
  }
}
