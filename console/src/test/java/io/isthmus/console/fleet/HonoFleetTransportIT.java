package io.isthmus.console.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.console.Console;
import io.isthmus.console.ConsoleOptions;
import io.isthmus.console.store.Database;
import io.isthmus.console.store.TestDatabases;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.DesiredState;
import io.isthmus.protocol.v1.GatewayEvent;
import io.isthmus.protocol.v1.GatewayEventKind;
import io.isthmus.protocol.v1.PipelineStatus;
import io.isthmus.protocol.v1.ReportedState;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's Hono transport, alone and inside a running console, against a real Kafka broker
 * (KRaft, in this JVM) on Hono's topics. No Hono server runs here: the test writes telemetry and
 * events the way Hono's protocol adapters put them on Kafka (key and {@code device_id} header the
 * device id, {@code content-type}, {@code qos}, {@code creation-time}), and reads the commands
 * Hono's command router would take from {@code hono.command.TENANT}.
 */
@Timeout(120)
class HonoFleetTransportIT {
  private static final String TENANT = "plant-1";
  private static final String GATEWAY = "gw-7";
  private static final String ADMIN = "it-admin-token-0123456789";

  @TempDir static Path kafkaLogs;
  private static KafkaKraftBroker kafka;
  private static HonoFleetTransport transport;
  private static final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private static final BlockingQueue<ReportedState> reports = new LinkedBlockingQueue<>();
  private static final BlockingQueue<GatewayEvent> events = new LinkedBlockingQueue<>();
  private static final AtomicInteger connected = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    kafka = KafkaKraftBroker.start(kafkaLogs);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("hono.telemetry." + TENANT, 1, (short) 1),
                  new NewTopic("hono.event." + TENANT, 1, (short) 1),
                  new NewTopic("hono.command." + TENANT, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    transport = new HonoFleetTransport(TENANT, kafka.bootstrapServers(), "isthmus-console-it");
    transport
        .start(
            new FleetTransport.Listener() {
              @Override
              public void reported(String gatewayId, ReportedState report) {
                received.add(gatewayId);
                reports.add(report);
              }

              @Override
              public void event(String gatewayId, GatewayEvent event) {
                received.add(gatewayId);
                events.add(event);
              }

              @Override
              public void connected() {
                connected.incrementAndGet();
              }
            })
        .get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    if (transport != null) {
      transport.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void reportsAndEventsArriveFromHonoTelemetryAndEventTopics() throws Exception {
    assertThat(connected.get()).isEqualTo(1);
    ReportedState report =
        ReportedState.newBuilder()
            .setGatewayId(GATEWAY)
            .setObservedGeneration(4)
            .putPipelines("vib", PipelineStatus.newBuilder().setActiveVersion("1.2.0").build())
            .putLabels("site", "plant-1")
            .setPlatform("linux-aarch64")
            .setAgentVersion("0.1.0")
            .build();
    GatewayEvent event =
        GatewayEvent.newBuilder()
            .setGatewayId(GATEWAY)
            .setGeneration(4)
            .setPipeline("vib")
            .setKind(GatewayEventKind.GATEWAY_EVENT_KIND_ROLLED_BACK)
            .build();
    try (KafkaProducer<String, byte[]> adapter = honoAdapter()) {
      // Hono's own notification (device connected): skipped, not an Isthmus message
      adapter.send(
          downstream("event", "application/vnd.eclipse-hono-dc-notification+json", new byte[2]));
      // a device sending something else: counted and logged as rejected
      adapter.send(downstream("telemetry", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)));
      adapter.send(downstream("telemetry", HonoFleetTransport.CONTENT_TYPE, report.toByteArray()));
      adapter.send(downstream("event", HonoFleetTransport.CONTENT_TYPE, event.toByteArray()));
      adapter.flush();
    }

    assertThat(reports.poll(30, TimeUnit.SECONDS)).isEqualTo(report);
    assertThat(events.poll(30, TimeUnit.SECONDS)).isEqualTo(event);
    assertThat(List.of(received.poll(), received.poll())).containsExactly(GATEWAY, GATEWAY);
    assertThat(transport.rejected()).isEqualTo(1);
    assertThat(reports).isEmpty();
    assertThat(events).isEmpty();
  }

  @Test
  void desiredStateIsAOneWayCommandOnHonoCommandTopic() throws Exception {
    DesiredState desired =
        DesiredState.newBuilder()
            .setGatewayId(GATEWAY)
            .setGeneration(5)
            .putPipelines(
                "vib",
                DesiredModel.newBuilder()
                    .setModelName("vibration")
                    .setModelVersion("1.3.0")
                    .build())
            .build();
    transport.publishDesired(GATEWAY, desired);

    ConsumerRecord<String, byte[]> command = null;
    try (KafkaConsumer<String, byte[]> router =
        new KafkaConsumer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            new StringDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition partition = new TopicPartition("hono.command." + TENANT, 0);
      router.assign(List.of(partition));
      router.seekToBeginning(List.of(partition));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (command == null && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : router.poll(Duration.ofMillis(200))) {
          command = r;
        }
      }
    }

    assertThat(command).as("a record on hono.command." + TENANT).isNotNull();
    assertThat(command.key()).isEqualTo(GATEWAY);
    assertThat(header(command, "device_id")).isEqualTo(GATEWAY);
    assertThat(header(command, "subject")).isEqualTo(HonoFleetTransport.DESIRED_COMMAND);
    assertThat(header(command, "content-type")).isEqualTo(HonoFleetTransport.CONTENT_TYPE);
    assertThat(command.headers().lastHeader("correlation-id")).as("one-way").isNull();
    assertThat(DesiredState.parseFrom(command.value())).isEqualTo(desired);
  }

  @Test
  void consoleWithHonoTransportRegistersGatewaysFromTelemetry(@TempDir Path data) throws Exception {
    String tenant = "plant-2";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("hono.telemetry." + tenant, 1, (short) 1),
                  new NewTopic("hono.event." + tenant, 1, (short) 1),
                  new NewTopic("hono.command." + tenant, 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Database schema = TestDatabases.open(TestDatabases.EMBEDDED);
    try (Console console =
        Console.start(
            ConsoleOptions.builder(data)
                .port(0)
                .database(TestDatabases.url(TestDatabases.EMBEDDED), schema.schema())
                .adminToken(ADMIN)
                .hono(new ConsoleOptions.Hono(tenant, kafka.bootstrapServers()))
                .build())) {
      assertThat(console.mqttUri()).as("no MQTT broker with Hono").isNull();
      ReportedState report =
          ReportedState.newBuilder()
              .setGatewayId("gw-hono-1")
              .setObservedGeneration(0)
              .putLabels("site", tenant)
              .setPlatform("linux-x86_64")
              .build();
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest get =
          HttpRequest.newBuilder(URI.create(console.url() + "/api/v1/gateways/gw-hono-1"))
              .header("Authorization", "Bearer " + ADMIN)
              .build();
      HttpResponse<String> found = null;
      try (KafkaProducer<String, byte[]> adapter = honoAdapter()) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        // the console's consumer group starts at the newest offset: send until it has joined
        while ((found == null || found.statusCode() != 200) && System.nanoTime() < deadline) {
          adapter.send(
              new ProducerRecord<>(
                  "hono.telemetry." + tenant,
                  null,
                  "gw-hono-1",
                  report.toByteArray(),
                  List.of(
                      header("device_id", "gw-hono-1"),
                      header("content-type", HonoFleetTransport.CONTENT_TYPE))));
          adapter.flush();
          Thread.sleep(500);
          found = http.send(get, HttpResponse.BodyHandlers.ofString());
        }
      }
      assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
      JsonObject gateway = new JsonObject(found.body());
      assertThat(gateway.getString("id")).isEqualTo("gw-hono-1");
      assertThat(gateway.getString("platform")).isEqualTo("linux-x86_64");
      assertThat(gateway.getJsonObject("labels").getString("site")).isEqualTo(tenant);
    } finally {
      TestDatabases.close(schema);
    }
  }

  private static KafkaProducer<String, byte[]> honoAdapter() {
    return new KafkaProducer<>(
        Map.of("bootstrap.servers", kafka.bootstrapServers()),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  /** A record as Hono's protocol adapters write it: strings raw UTF-8, numbers JSON-encoded. */
  private static ProducerRecord<String, byte[]> downstream(
      String type, String contentType, byte[] payload) {
    List<Header> headers = new ArrayList<>();
    headers.add(header("device_id", GATEWAY));
    headers.add(header("content-type", contentType));
    headers.add(header("qos", "1"));
    headers.add(header("creation-time", Long.toString(System.currentTimeMillis())));
    return new ProducerRecord<>("hono." + type + "." + TENANT, null, GATEWAY, payload, headers);
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
