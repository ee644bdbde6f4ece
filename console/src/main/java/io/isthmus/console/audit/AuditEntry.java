package io.isthmus.console.audit;

import java.time.Instant;

/**
 * One recorded decision.
 *
 * @param rolloutId the rollout it concerns, or null
 */
public record AuditEntry(
    long id, Instant at, Long rolloutId, String actor, String action, String detail) {}
