package io.isthmus.console.auth;

import java.time.Instant;

/** A stored API token (its hash, never the token). */
public record ApiToken(long id, String name, Role role, Instant createdAt, boolean revoked) {}
