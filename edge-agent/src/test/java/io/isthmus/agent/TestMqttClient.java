package io.isthmus.agent;

import io.isthmus.protocol.json.InferenceResultJson;
import io.isthmus.protocol.v1.InferenceResult;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A plain MQTT 3.1.1 client for tests: publishes raw payloads and collects JSON results. */
final class TestMqttClient implements AutoCloseable {
  private final MqttClient client;
  private final org.eclipse.paho.client.mqttv3.MqttAsyncClient burst;
  private final LinkedBlockingQueue<InferenceResult> results = new LinkedBlockingQueue<>();

  TestMqttClient(String uri, String resultFilter) throws MqttException {
    client = new MqttClient(uri, "test-" + System.nanoTime(), new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setMaxInflight(1000);
    client.connect(options);
    burst =
        new org.eclipse.paho.client.mqttv3.MqttAsyncClient(
            uri, "burst-" + System.nanoTime(), new MemoryPersistence());
    burst.connect(options).waitForCompletion(10_000);
    client.subscribe(
        resultFilter,
        1,
        (topic, message) ->
            results.add(InferenceResultJson.defaults().decode(message.getPayload())));
  }

  void publish(String topic, byte[] payload) throws MqttException {
    client.publish(topic, payload, 1, false);
  }

  /**
   * Publishes all {@code payloads} at QoS 1 without waiting for each acknowledgement (a burst),
   * then waits until the broker acknowledged them all.
   */
  void publishBurst(String topic, java.util.List<String> payloads) throws MqttException {
    java.util.List<org.eclipse.paho.client.mqttv3.IMqttDeliveryToken> tokens =
        new java.util.ArrayList<>();
    for (int i = 0; i < payloads.size(); i++) {
      tokens.add(
          burst.publish(
              topic.replace("{i}", Integer.toString(i)),
              payloads.get(i).getBytes(StandardCharsets.UTF_8),
              1,
              false));
    }
    for (var token : tokens) {
      token.waitForCompletion(10_000);
    }
  }

  void publish(String topic, String payload) throws MqttException {
    publish(topic, payload.getBytes(StandardCharsets.UTF_8));
  }

  /** The next result, failing after 10 s. */
  InferenceResult nextResult() throws InterruptedException {
    InferenceResult result = results.poll(10, TimeUnit.SECONDS);
    if (result == null) {
      throw new AssertionError("no result within 10 s");
    }
    return result;
  }

  /** Results that arrived but were not taken yet. */
  int pending() {
    return results.size();
  }

  @Override
  public void close() throws MqttException {
    burst.disconnect().waitForCompletion(5_000);
    burst.close();
    client.disconnect();
    client.close();
  }
}
