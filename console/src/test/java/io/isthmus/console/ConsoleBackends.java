package io.isthmus.console;

import io.isthmus.console.store.Database;
import io.isthmus.console.store.TestDatabases;
import io.isthmus.protocol.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What a console under test runs on ({@link ConsoleIT}, {@link ConsoleUiIT}): a fresh schema on the
 * embedded PostgreSQL and an embedded MQTT broker, or with {@code CI=true} the machine's PostgreSQL
 * and Mosquitto at 127.0.0.1. Close it after the console.
 */
final class ConsoleBackends implements AutoCloseable {
  static final boolean CI = "true".equals(System.getenv("CI"));

  private final String target;
  private final Database schema;
  private final EmbeddedBroker broker;

  private ConsoleBackends(String target, Database schema, EmbeddedBroker broker) {
    this.target = target;
    this.schema = schema;
    this.broker = broker;
  }

  static ConsoleBackends open() {
    String target = CI ? TestDatabases.MACHINE : TestDatabases.EMBEDDED;
    Database schema = TestDatabases.open(target);
    try {
      return new ConsoleBackends(target, schema, CI ? null : EmbeddedBroker.start("127.0.0.1", 0));
    } catch (RuntimeException e) {
      TestDatabases.close(schema);
      throw e;
    }
  }

  /**
   * Options of a console on these: any free port, {@code adminToken} accepted, gateways offline
   * after 10 s of silence, rollouts stepping every 100 ms.
   */
  ConsoleOptions.Builder options(Path dataDir, String adminToken) {
    return ConsoleOptions.builder(dataDir)
        .port(0)
        .database(TestDatabases.url(target), schema.schema())
        .mqtt(broker == null ? "tcp://127.0.0.1:1883" : broker.uri())
        .adminToken(adminToken)
        .offlineAfter(Duration.ofSeconds(10))
        .tickInterval(Duration.ofMillis(100));
  }

  @Override
  public void close() {
    try {
      if (broker != null) {
        broker.close();
      }
    } finally {
      TestDatabases.close(schema);
    }
  }
}
