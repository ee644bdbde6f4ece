/**
 * Isthmus wire formats: protobuf messages in {@code io.isthmus.protocol.v1}, MQTT topic names in
 * {@code io.isthmus.protocol.mqtt}, the friendly JSON mapping in {@code io.isthmus.protocol.json}
 * and the Open Inference Protocol v2 codec in {@code io.isthmus.protocol.oip}. Bad input fails with
 * {@link io.isthmus.protocol.ProtocolException}.
 */
package io.isthmus.protocol;
