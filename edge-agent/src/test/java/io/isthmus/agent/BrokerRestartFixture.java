package io.isthmus.agent;

import io.isthmus.sim.load.LoadShape;
import io.isthmus.sim.profile.VibrationProfile;
import io.isthmus.sim.report.SimulationReport;
import io.isthmus.sim.run.MqttVersion;
import io.isthmus.sim.run.Simulation;
import io.isthmus.sim.run.SimulationConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What the broker-restart tests share ({@link BrokerRestartIT}, {@link OutboxDeliveryIT}): an agent
 * with a persistent session on a {@link RestartableMosquitto}, a simulator sending at QoS 1 with a
 * persistent session, and the restart in the middle of the stream.
 */
final class BrokerRestartFixture {
  private BrokerRestartFixture() {}

  /**
   * An agent on {@code broker} with the persistent session {@code clientId} (expiring after 5 min,
   * reconnecting after 100 to 500 ms) running the vibration pipeline {@code pipeline} on {@code
   * model} with QoS 1 results; {@code sections} adds top-level sections such as {@code gateway} or
   * {@code outbox}, one per line.
   */
  static String agentYaml(
      RestartableMosquitto broker,
      String mqttVersion,
      String clientId,
      String pipeline,
      Path model,
      String sections) {
    return sections
        + "mqtt:\n"
        + "  uri: "
        + broker.uri()
        + "\n  version: '"
        + mqttVersion
        + "'\n"
        + "  clientId: "
        + clientId
        + "\n  session: persistent\n"
        + "  sessionExpiry: 5m\n"
        + "  reconnect: {initial: 100ms, max: 500ms}\n"
        + "http: {host: 127.0.0.1, port: 0}\n"
        + "pipelines:\n"
        + "  - name: "
        + pipeline
        + "\n    stream: accel\n"
        + "    pre: [{window: {size: 256}}]\n"
        + "    model: {path: "
        + model
        + "}\n"
        + "    post: {score: {threshold: 2.5}}\n"
        + "    result: {qos: 1}\n";
  }

  /**
   * Starts the simulator (MQTT 3.1.1, persistent session {@code clientId}, QoS 1): devices {@code
   * devicePrefix}0 to 3 send 100 vibration events/s for 6 s, and results on {@code resultFilter}
   * are awaited for up to 30 s more.
   */
  static CompletableFuture<SimulationReport> simulate(
      RestartableMosquitto broker,
      String clientId,
      String devicePrefix,
      String resultFilter,
      long seed) {
    return simulate(broker, MqttVersion.V3_1_1, clientId, devicePrefix, resultFilter, seed);
  }

  /** {@link #simulate(RestartableMosquitto, String, String, String, long)} on {@code version}. */
  static CompletableFuture<SimulationReport> simulate(
      RestartableMosquitto broker,
      MqttVersion version,
      String clientId,
      String devicePrefix,
      String resultFilter,
      long seed) {
    return Simulation.start(
        SimulationConfig.builder()
            .brokerUri(broker.uri())
            .mqttVersion(version)
            .clientId(clientId)
            .persistentSession(true)
            .qos(1)
            .devices(4)
            .devicePrefix(devicePrefix)
            .profile(VibrationProfile.defaults())
            .load(LoadShape.constant(100))
            .duration(Duration.ofSeconds(6))
            .drainTimeout(Duration.ofSeconds(30))
            .settleTime(Duration.ofSeconds(1))
            .resultFilter(resultFilter)
            .seed(seed)
            .build());
  }

  /** Stops {@code broker} (SIGTERM) 2 s into the stream and starts it again {@code down} later. */
  static void restartMidStream(RestartableMosquitto broker, Duration down) throws Exception {
    Thread.sleep(2_000);
    broker.stop();
    Thread.sleep(down.toMillis());
    broker.start();
  }
}
