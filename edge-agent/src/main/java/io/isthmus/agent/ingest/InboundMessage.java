package io.isthmus.agent.ingest;

import java.util.Optional;

/**
 * One MQTT message as received.
 *
 * @param topic the topic it was published to
 * @param payload its bytes (owned by the receiver; not copied again)
 * @param qos the QoS it was delivered with (0 or 1)
 * @param contentType the MQTT 5 content type, empty on MQTT 3.1.1 or when the publisher set none
 * @param receivedNanos {@link System#nanoTime()} when the client handed it over, for latency
 * @param receivedEpochMicros wall-clock time of arrival, microseconds since the epoch
 */
public record InboundMessage(
    String topic,
    byte[] payload,
    int qos,
    Optional<String> contentType,
    long receivedNanos,
    long receivedEpochMicros) {}
