package io.isthmus.agent.pipeline;

import io.vertx.core.Future;

/** Where results go: an MQTT publish in the agent, a list in tests. Must not block. */
@FunctionalInterface
public interface ResultSink {
  Future<Void> publish(String topic, byte[] payload, int qos, String contentType);
}
