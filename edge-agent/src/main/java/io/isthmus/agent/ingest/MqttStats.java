package io.isthmus.agent.ingest;

/**
 * Counters of one connection since it was created.
 *
 * @param connects successful connections, the first one and every reconnection
 * @param reconnects successful reconnections after a loss
 * @param connectionLosses times the connection was lost (not counting {@code disconnect()})
 * @param messagesReceived messages handed to subscription handlers
 * @param messagesPublished publishes that completed (written at QoS 0, acknowledged at QoS 1)
 * @param offlineBuffered publishes waiting right now for the connection to come back
 * @param offlineOverflows publishes failed because the offline buffer was full
 */
public record MqttStats(
    long connects,
    long reconnects,
    long connectionLosses,
    long messagesReceived,
    long messagesPublished,
    long offlineBuffered,
    long offlineOverflows) {}
