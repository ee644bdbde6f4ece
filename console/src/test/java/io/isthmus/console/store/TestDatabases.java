package io.isthmus.console.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The PostgreSQL servers tests run against: an embedded one (started once per JVM) always, and with
 * {@code CI=true} also the machine's server at 127.0.0.1:5432 (database {@code test}, user {@code
 * postgres}). Every {@link #open} uses a fresh schema so runs do not collide.
 */
public final class TestDatabases {
  public static final String EMBEDDED = "embedded";
  public static final String MACHINE = "machine";
  private static final String MACHINE_URL =
      System.getProperty(
          "isthmus.test.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
  private static EmbeddedPostgres embedded;

  private TestDatabases() {}

  /** The servers to test against. */
  public static List<String> targets() {
    List<String> targets = new ArrayList<>(List.of(EMBEDDED));
    if ("true".equals(System.getenv("CI"))) {
      targets.add(MACHINE);
    }
    return targets;
  }

  /** A database on {@code target} with a fresh, migrated schema; drop it with {@link #close}. */
  public static Database open(String target) {
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    return Database.connect(url(target), schema);
  }

  /** Drops the schema and closes. */
  public static void close(Database database) {
    try (database) {
      database.dropSchema();
    }
  }

  /** The JDBC URL of {@code target}. */
  public static String url(String target) {
    if (MACHINE.equals(target)) {
      return MACHINE_URL;
    }
    return embedded().getJdbcUrl("postgres", "postgres");
  }

  private static synchronized EmbeddedPostgres embedded() {
    if (embedded == null) {
      try {
        embedded = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start the embedded PostgreSQL for tests", e);
      }
      EmbeddedPostgres started = embedded;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException e) {
                      // the JVM is exiting; the temporary data folder is removed by the OS later
                    }
                  }));
    }
    return embedded;
  }
}
