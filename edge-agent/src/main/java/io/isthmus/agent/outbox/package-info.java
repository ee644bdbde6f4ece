/**
 * The offline outbox: a durable store-and-forward queue for results and reports bound for the
 * cloud. Entry points: {@link io.isthmus.agent.outbox.Outbox} (open, append, poll, ack, rewind,
 * close) configured by {@link io.isthmus.agent.outbox.OutboxOptions}, {@link
 * io.isthmus.agent.outbox.OutboxMetrics} for Micrometer, and the consumer-side {@link
 * io.isthmus.protocol.delivery.Deduplicator}. See README.md beside this package for the file format
 * and the guarantees.
 */
package io.isthmus.agent.outbox;
