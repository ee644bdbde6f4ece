package io.isthmus.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Model sync: where the agent keeps its store and state, whom it trusts, where desired state comes
 * from, how it downloads and when it rolls a new version back.
 *
 * @param dir the sync folder: {@code store/} (content-addressed files), {@code staging/} (downloads
 *     in progress), {@code state.json} (installed and active versions), {@code desired.pb} (the
 *     last desired state received)
 * @param trustedKeys a public key {@code .pem} or a folder of them
 * @param desiredFile an optional local file holding a serialized {@code DesiredState}, re-read when
 *     it changes
 * @param platform the platform packages must list ({@code any} always fits)
 * @param keep how many versions per pipeline stay installed, the active one included
 * @param watchInterval how often the desired file is checked for changes
 * @param heartbeat how often the reported state is published besides every change, so the console
 *     can tell a silent gateway from an offline one
 * @param download how packages are fetched
 * @param rollback when a newly activated version is rolled back
 * @param transport how desired state arrives and reports leave: the Isthmus MQTT topics, or Eclipse
 *     Hono's MQTT adapter topics
 */
public record SyncConfig(
    Path dir,
    Path trustedKeys,
    Optional<Path> desiredFile,
    String platform,
    int keep,
    Duration watchInterval,
    Duration heartbeat,
    DownloadSettings download,
    RollbackSettings rollback,
    Transport transport) {

  /** How the gateway talks to the console. */
  public enum Transport {
    /** The Isthmus topics {@code isthmus/v1/gateways/{id}/...} (default). */
    MQTT,
    /** Eclipse Hono's MQTT adapter: commands in, telemetry and events out. */
    HONO
  }

  /**
   * @param attempts tries per file before the download fails, resuming by Range each time
   * @param backoffInitial the wait after the first failure; doubled each time, with jitter
   * @param backoffMax the longest wait between tries
   * @param bytesPerSecond a bandwidth cap; 0 for none
   * @param timeout connect and idle-read timeout of one request
   */
  public record DownloadSettings(
      int attempts,
      Duration backoffInitial,
      Duration backoffMax,
      long bytesPerSecond,
      Duration timeout) {}

  /**
   * @param window how long a new version is watched after it is activated
   * @param minRuns fewer runs than this in the window decide nothing
   * @param maxErrorRate the highest share of failed runs tolerated (0..1)
   * @param maxP99 the highest tolerated 99th percentile run time; zero for no bound
   */
  public record RollbackSettings(
      Duration window, int minRuns, double maxErrorRate, Duration maxP99) {}
}
