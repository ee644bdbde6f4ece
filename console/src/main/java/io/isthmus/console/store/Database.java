package io.isthmus.console.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's PostgreSQL database: a connection pool on a schema brought up to date by the
 * versioned migrations in {@code db/migration}. Either an external server (a JDBC URL) or, the
 * zero-setup default, an embedded PostgreSQL whose data folder lives under the console's data
 * folder and so survives restarts.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final HikariDataSource pool;
  private final EmbeddedPostgres embedded;
  private final String schema;

  private Database(HikariDataSource pool, EmbeddedPostgres embedded, String schema) {
    this.pool = pool;
    this.embedded = embedded;
    this.schema = schema;
  }

  /**
   * Connects to {@code jdbcUrl} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres})
   * and migrates {@code schema}, creating it.
   *
   * @throws StoreException when the server cannot be reached or a migration fails
   */
  public static Database connect(String jdbcUrl, String schema) {
    return open(jdbcUrl, schema, null);
  }

  /**
   * Starts an embedded PostgreSQL with its data in {@code dataDir} (created, or reused from an
   * earlier start) and migrates {@code schema}.
   *
   * @throws StoreException when PostgreSQL cannot start or a migration fails
   */
  public static Database embedded(Path dataDir, String schema) {
    EmbeddedPostgres pg;
    try {
      Files.createDirectories(dataDir);
      pg =
          EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start();
    } catch (IOException e) {
      throw new StoreException("Cannot start the embedded PostgreSQL in " + dataDir, e);
    }
    LOG.info("Embedded PostgreSQL started on port {} with data in {}", pg.getPort(), dataDir);
    try {
      return open(pg.getJdbcUrl("postgres", "postgres"), schema, pg);
    } catch (RuntimeException e) {
      closeQuietly(pg);
      throw e;
    }
  }

  private static Database open(String jdbcUrl, String schema, EmbeddedPostgres embedded) {
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "schema '" + schema + "' is not valid: expected lower-case letters, digits and _");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(8);
    config.setPoolName("isthmus-console");
    config.setSchema(schema);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("Cannot connect to PostgreSQL at " + redact(jdbcUrl), e);
    }
    try {
      Flyway.configure()
          .dataSource(pool)
          .schemas(schema)
          .defaultSchema(schema)
          .locations("classpath:db/migration")
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw new StoreException("Migrating the console schema " + schema + " failed", e);
    }
    return new Database(pool, embedded, schema);
  }

  public DataSource dataSource() {
    return pool;
  }

  public String schema() {
    return schema;
  }

  /** Whether a connection can be had and answers (for the readiness probe). */
  public boolean ready() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  /** Drops the schema with everything in it; for tests that used a fresh schema. */
  public void dropSchema() {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      throw new StoreException("Dropping schema " + schema + " failed", e);
    }
  }

  @Override
  public void close() {
    pool.close();
    if (embedded != null) {
      closeQuietly(embedded);
    }
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Stopping the embedded PostgreSQL failed", e);
    }
  }

  private static String redact(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)password=[^&]*", "password=***");
  }
}
