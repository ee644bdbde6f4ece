package io.isthmus.console;

import io.isthmus.protocol.manifest.ModelPackage;
import io.isthmus.protocol.manifest.TrustedKeys;
import io.isthmus.protocol.mqtt.GatewayChannel;
import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.Health;
import io.isthmus.protocol.v1.PipelineStats;
import io.isthmus.protocol.v1.PipelineStatus;
import io.isthmus.protocol.v1.ReportedState;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A gateway written for the test, speaking the fleet contract the way the agent does: it follows
 * its retained desired state (ignoring older generations), fetches the package over HTTP from the
 * desired URL, checks the manifest's sha256 and the signature with the console's public key, then
 * serves the version and reports it with run figures on every heartbeat. Versions in {@code
 * badVersions} fail half of their runs.
 */
final class ScriptedGateway implements AutoCloseable {
  static final String PIPELINE = "vib";

  private final String id;
  private final Map<String, String> labels;
  private final Set<String> badVersions;
  private final TrustedKeys trusted;
  private final Path dir;
  private final MqttClient client;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
  private long observedGeneration;
  private String active = "1";
  private long runs = 500;
  private long errors = 0;
  private String lastError;
  private DesiredModel pending;

  ScriptedGateway(
      String id,
      Map<String, String> labels,
      Set<String> badVersions,
      TrustedKeys trusted,
      Path dir,
      String brokerUri)
      throws MqttException {
    this.id = id;
    this.labels = labels;
    this.badVersions = badVersions;
    this.trusted = trusted;
    this.dir = dir;
    this.client = new MqttClient(brokerUri, "scripted-" + id, new MemoryPersistence());
  }

  void start() throws MqttException {
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    options.setAutomaticReconnect(true);
    client.connect(options);
    client.subscribe(
        MqttTopics.defaults().gateway(id, GatewayChannel.DESIRED),
        1,
        (topic, message) -> {
          byte[] payload = message.getPayload();
          thread.execute(() -> desired(payload));
        });
    thread.scheduleWithFixedDelay(this::heartbeat, 0, 300, TimeUnit.MILLISECONDS);
  }

  String id() {
    return id;
  }

  String active() {
    return active;
  }

  private void heartbeat() {
    if (pending != null) {
      try {
        install(pending); // like the agent, a failed download is tried again on the next tick
      } catch (IOException e) {
        lastError = "download_failed: " + e;
      }
    }
    runs += 10;
    if (badVersions.contains(active)) {
      errors += 5;
    }
    report();
  }

  private void desired(byte[] payload) {
    try {
      DesiredState state = DesiredState.parseFrom(payload);
      if (state.getGeneration() < observedGeneration) {
        return;
      }
      observedGeneration = state.getGeneration();
      DesiredModel model = state.getPipelinesMap().get(PIPELINE);
      pending = null;
      if (model != null && !model.getModelVersion().equals(active)) {
        pending = model;
        install(model);
      }
      report();
    } catch (IOException e) {
      lastError = "download_failed: " + e;
      report();
    }
  }

  private void install(DesiredModel model) throws IOException {
    Path staging = Files.createTempDirectory(dir, id + "-" + model.getModelVersion() + "-");
    byte[] manifest = fetch(model.getDownloadUrl() + "/" + ModelPackage.MANIFEST_FILE);
    String sha = sha256(manifest);
    if (!sha.equals(model.getSha256())) {
      lastError = "manifest_mismatch: " + model.getModelVersion() + " has " + sha;
      pending = null;
      return;
    }
    Files.write(staging.resolve(ModelPackage.MANIFEST_FILE), manifest);
    try {
      ModelPackage pkg = ModelPackage.open(staging);
      for (var file : trusted.verify(pkg.envelope()).getFilesList()) {
        Path target = staging.resolve(file.getPath());
        Files.createDirectories(target.getParent());
        Files.write(target, fetch(model.getDownloadUrl() + "/" + file.getPath()));
      }
      pkg.verify(trusted, "linux-x86_64");
    } catch (io.isthmus.protocol.manifest.ManifestException e) {
      lastError = e.reason().code() + ": " + model.getModelVersion() + " " + e.getMessage();
      pending = null;
      return;
    }
    pending = null;
    active = model.getModelVersion();
    runs = 0;
    errors = 0;
    lastError = null;
  }

  private byte[] fetch(String url) throws IOException {
    try {
      HttpResponse<InputStream> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new IOException("HTTP " + response.statusCode() + " for " + url);
        }
        return body.readAllBytes();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private void report() {
    PipelineStatus.Builder status =
        PipelineStatus.newBuilder()
            .setModelName("vibration")
            .setActiveVersion(active)
            .setInstalledVersion(active)
            .setHealth(lastError == null ? Health.HEALTH_OK : Health.HEALTH_DEGRADED)
            .setStats(
                PipelineStats.newBuilder()
                    .setModelVersion(active)
                    .setRuns(runs)
                    .setErrors(errors)
                    .setP50Us(400)
                    .setP95Us(1000));
    if (lastError != null) {
      status.setLastError(lastError);
    }
    ReportedState report =
        ReportedState.newBuilder()
            .setGatewayId(id)
            .setObservedGeneration(observedGeneration)
            .putPipelines(PIPELINE, status.build())
            .setHealth(Health.HEALTH_OK)
            .putAllLabels(labels)
            .setPlatform("linux-x86_64")
            .setAgentVersion("test")
            .build();
    try {
      client.publish(
          MqttTopics.defaults().gateway(id, GatewayChannel.REPORTED),
          report.toByteArray(),
          1,
          true);
    } catch (MqttException e) {
      // the next heartbeat reports again
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws MqttException {
    if (client.isConnected()) {
      client.unsubscribe(MqttTopics.defaults().gateway(id, GatewayChannel.DESIRED));
    }
    thread.shutdownNow();
    if (client.isConnected()) {
      // clear the retained messages so a shared broker holds nothing of this run
      for (GatewayChannel channel :
          new GatewayChannel[] {GatewayChannel.REPORTED, GatewayChannel.DESIRED}) {
        client.publish(MqttTopics.defaults().gateway(id, channel), new byte[0], 1, true);
      }
      client.disconnectForcibly(1000);
    }
    client.close();
  }
}
