/**
 * The gateways: registration, labels, reports, offline detection ({@link
 * io.isthmus.console.fleet.GatewayRegistry}) and the transport that carries desired state out and
 * reports in ({@link io.isthmus.console.fleet.FleetTransport}, MQTT by default, with an {@link
 * io.isthmus.protocol.broker.EmbeddedBroker} when none is given).
 */
package io.isthmus.console.fleet;
