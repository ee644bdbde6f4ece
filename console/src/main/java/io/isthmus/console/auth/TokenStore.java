package io.isthmus.console.auth;

import io.isthmus.console.store.Jdbc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * API tokens with roles, stored as sha256 hashes: a token is shown once when issued and cannot be
 * read back. Lookups are served from memory (tokens are few), changes go through to PostgreSQL.
 */
public final class TokenStore {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SELECT =
      "SELECT id, name, role, created_at, revoked, token_hash FROM api_tokens";

  private final Jdbc jdbc;
  private final Clock clock;
  private final Map<String, ApiToken> byHash = new ConcurrentHashMap<>();

  public TokenStore(DataSource dataSource, Clock clock) {
    this.jdbc = new Jdbc(dataSource);
    this.clock = clock;
    reload();
  }

  /** A new token for {@code name}; the returned string is the only copy. */
  public String issue(String name, Role role) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = "ist_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    store(name, role, token);
    return token;
  }

  /**
   * Stores a given token (from the environment) under {@code name}, replacing an earlier token of
   * that name.
   */
  public void store(String name, Role role, String token) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("token name must not be blank");
    }
    if (token.length() < 16) {
      throw new IllegalArgumentException("a token needs at least 16 characters");
    }
    String hash = hash(token);
    jdbc.update("DELETE FROM api_tokens WHERE name = ?", s -> s.setString(1, name));
    jdbc.update(
        "INSERT INTO api_tokens (name, role, token_hash, created_at) VALUES (?, ?, ?, ?)",
        s -> {
          s.setString(1, name);
          s.setString(2, role.name());
          s.setString(3, hash);
          s.setTimestamp(4, Timestamp.from(clock.instant()));
        });
    reload();
  }

  /** The token's record if it is known and not revoked. */
  public Optional<ApiToken> authenticate(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    ApiToken found = byHash.get(hash(token));
    return found == null || found.revoked() ? Optional.empty() : Optional.of(found);
  }

  /** Revokes the token with {@code id}; false if there is none. */
  public boolean revoke(long id) {
    int n = jdbc.update("UPDATE api_tokens SET revoked = TRUE WHERE id = ?", s -> s.setLong(1, id));
    reload();
    return n > 0;
  }

  public List<ApiToken> list() {
    return jdbc.query(SELECT + " ORDER BY id", s -> {}, row -> token(row.getLong(1), row));
  }

  /** Whether any admin token exists that is not revoked. */
  public boolean hasAdmin() {
    return byHash.values().stream().anyMatch(t -> t.role() == Role.ADMIN && !t.revoked());
  }

  private void reload() {
    Map<String, ApiToken> fresh = new ConcurrentHashMap<>();
    jdbc.query(
        SELECT,
        s -> {},
        row -> {
          fresh.put(row.getString(6), token(row.getLong(1), row));
          return null;
        });
    byHash.keySet().retainAll(fresh.keySet());
    byHash.putAll(fresh);
  }

  private static ApiToken token(long id, java.sql.ResultSet row) throws java.sql.SQLException {
    return new ApiToken(
        id,
        row.getString(2),
        Role.valueOf(row.getString(3)),
        row.getTimestamp(4).toInstant(),
        row.getBoolean(5));
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
