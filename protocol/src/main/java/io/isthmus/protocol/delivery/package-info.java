/**
 * At-least-once delivery made exactly-once by the consumer: {@link
 * io.isthmus.protocol.delivery.IdempotencyKey} ({@code gatewayId:sequence}, carried in {@code
 * idempotency_key} of results and gateway events that went through a gateway's outbox) and the
 * consumer's {@link io.isthmus.protocol.delivery.Deduplicator}.
 */
package io.isthmus.protocol.delivery;
