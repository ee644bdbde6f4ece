package io.isthmus.agent.ingest;

/**
 * Receives the messages of a subscription. It is called on the MQTT client's thread, one message at
 * a time: it must hand the message off (to a bounded queue) and return at once, never block.
 */
@FunctionalInterface
public interface MessageHandler {
  void onMessage(InboundMessage message);
}
