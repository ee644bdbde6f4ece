package io.isthmus.console.fleet;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.ReportedState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.hono.application.client.DownstreamMessage;
import org.eclipse.hono.application.client.kafka.KafkaMessageContext;
import org.eclipse.hono.application.client.kafka.impl.KafkaApplicationClientImpl;
import org.eclipse.hono.client.kafka.CommonKafkaClientConfigProperties;
import org.eclipse.hono.client.kafka.consumer.MessagingKafkaConsumerConfigProperties;
import org.eclipse.hono.client.kafka.producer.CachingKafkaProducerFactory;
import org.eclipse.hono.client.kafka.producer.MessagingKafkaProducerConfigProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Eclipse Hono transport: gateways are Hono devices of one tenant, and the console is a Hono
 * business application using Hono's Kafka-based application client.
 *
 * <ul>
 *   <li>Hono telemetry ({@code hono.telemetry.TENANT}) with content type {@value #CONTENT_TYPE}
 *       carries a {@code ReportedState};
 *   <li>Hono events ({@code hono.event.TENANT}) with that content type carry a {@code
 *       GatewayEvent}; Hono's own notifications ({@code application/vnd.eclipse-hono-...}) are
 *       skipped;
 *   <li>a desired state is a one-way command named {@value #DESIRED_COMMAND} to the gateway's
 *       device id ({@code hono.command.TENANT}), its body the protobuf {@code DesiredState}.
 * </ul>
 *
 * <p>The device id Hono attaches to each message is the gateway id. Other content types are counted
 * and logged as rejected, never thrown. Unlike the MQTT transport's retained messages, a Hono
 * command reaches only a connected gateway; the console sends every stored desired state again each
 * time this transport (re)starts ({@link Listener#connected()}).
 */
public final class HonoFleetTransport implements FleetTransport {
  private static final Logger LOG = LoggerFactory.getLogger(HonoFleetTransport.class);

  /** The content type of every Isthmus message on Hono. */
  public static final String CONTENT_TYPE = "application/x-protobuf";

  /** The name of the command that carries a {@code DesiredState}. */
  public static final String DESIRED_COMMAND = "desired";

  private static final String HONO_NOTIFICATION_PREFIX = "application/vnd.eclipse-hono-";

  private final String tenant;
  private final String bootstrapServers;
  private final String consumerGroup;
  private final AtomicLong rejected = new AtomicLong();
  private Vertx vertx;
  private KafkaApplicationClientImpl client;
  private Listener listener;

  /**
   * @param tenant the Hono tenant the gateways belong to
   * @param bootstrapServers Kafka's {@code host:port[,host:port...]} that Hono's messaging uses
   * @param consumerGroup the Kafka consumer group of this console
   */
  public HonoFleetTransport(String tenant, String bootstrapServers, String consumerGroup) {
    this.tenant = requireText(tenant, "tenant");
    this.bootstrapServers = requireText(bootstrapServers, "bootstrapServers");
    this.consumerGroup = requireText(consumerGroup, "consumerGroup");
  }

  @Override
  public CompletableFuture<Void> start(Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    vertx = Vertx.vertx();
    CommonKafkaClientConfigProperties common = new CommonKafkaClientConfigProperties();
    common.setCommonClientConfig(Map.of("bootstrap.servers", bootstrapServers));
    MessagingKafkaConsumerConfigProperties consumer = new MessagingKafkaConsumerConfigProperties();
    consumer.setCommonClientConfig(common);
    consumer.setConsumerConfig(Map.of("group.id", consumerGroup));
    MessagingKafkaProducerConfigProperties producer = new MessagingKafkaProducerConfigProperties();
    producer.setCommonClientConfig(common);
    client =
        new KafkaApplicationClientImpl(
            vertx, consumer, CachingKafkaProducerFactory.sharedFactory(vertx), producer);
    Future<Void> started =
        client
            .start()
            .compose(
                ok ->
                    Future.all(
                        client.createTelemetryConsumer(tenant, this::telemetry, this::closed),
                        client.createEventConsumer(tenant, this::event, this::closed)))
            .<Void>mapEmpty()
            .onSuccess(
                ok -> {
                  LOG.info(
                      "Hono transport on Kafka {} ready: tenant {}, group {}",
                      bootstrapServers,
                      tenant,
                      consumerGroup);
                  listener.connected();
                });
    return started
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "Cannot reach Hono's Kafka at " + bootstrapServers + ": " + e, e)))
        .toCompletionStage()
        .toCompletableFuture();
  }

  @Override
  public void publishDesired(String gatewayId, DesiredState state) {
    client
        .sendOneWayCommand(
            tenant,
            gatewayId,
            DESIRED_COMMAND,
            Buffer.buffer(state.toByteArray()),
            CONTENT_TYPE,
            null)
        .onFailure(
            e ->
                // sent again on the next start (Listener.connected)
                LOG.atWarn()
                    .addKeyValue("gateway", gatewayId)
                    .log(
                        "sending desired generation {} failed: {}",
                        state.getGeneration(),
                        e.toString()));
  }

  /** Hono commands reach only a connected gateway: nothing is retained for one that is away. */
  @Override
  public boolean retainsDesired() {
    return false;
  }

  @Override
  public long rejected() {
    return rejected.get();
  }

  @Override
  public void close() {
    if (client != null) {
      await(client.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private void telemetry(DownstreamMessage<KafkaMessageContext> message) {
    byte[] payload = isthmusPayload(message, "telemetry");
    if (payload == null) {
      return;
    }
    try {
      listener.reported(message.getDeviceId(), ReportedState.parseFrom(payload));
    } catch (InvalidProtocolBufferException e) {
      reject(message, "telemetry", "not a ReportedState: " + e.getMessage());
    }
  }

  private void event(DownstreamMessage<KafkaMessageContext> message) {
    byte[] payload = isthmusPayload(message, "event");
    if (payload == null) {
      return;
    }
    try {
      listener.event(message.getDeviceId(), GatewayEvent.parseFrom(payload));
    } catch (InvalidProtocolBufferException e) {
      reject(message, "event", "not a GatewayEvent: " + e.getMessage());
    }
  }

  /** The payload of an Isthmus message, or null (counted) if this message is not one. */
  private byte[] isthmusPayload(DownstreamMessage<KafkaMessageContext> message, String kind) {
    String contentType = message.getContentType();
    if (contentType != null && contentType.startsWith(HONO_NOTIFICATION_PREFIX)) {
      return null; // Hono's own connection and time-until-disconnect notifications
    }
    if (message.getDeviceId() == null || message.getDeviceId().isBlank()) {
      reject(message, kind, "no device id");
      return null;
    }
    if (!CONTENT_TYPE.equals(contentType)) {
      reject(message, kind, "content type " + contentType + ", expected " + CONTENT_TYPE);
      return null;
    }
    Buffer payload = message.getPayload();
    return payload == null ? new byte[0] : payload.getBytes();
  }

  private void reject(DownstreamMessage<KafkaMessageContext> message, String kind, String why) {
    long n = rejected.incrementAndGet();
    if (Long.bitCount(n) == 1) { // 1st, 2nd, 4th, 8th ...: bounded log volume
      LOG.warn("rejected Hono {} #{} from device {}: {}", kind, n, message.getDeviceId(), why);
    }
  }

  private void closed(Throwable cause) {
    LOG.warn("Hono consumer on tenant {} closed: {}", tenant, String.valueOf(cause));
  }

  private static void await(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("closing the Hono transport: {}", e.toString());
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    return value;
  }
}
