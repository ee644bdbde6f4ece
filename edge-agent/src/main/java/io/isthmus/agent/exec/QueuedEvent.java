package io.isthmus.agent.exec;

import io.isthmus.agent.ingest.InboundMessage;
import io.isthmus.protocol.mqtt.SensorTopic;

/** A message waiting for a worker, with its parsed topic. */
public record QueuedEvent(InboundMessage message, SensorTopic topic) {}
