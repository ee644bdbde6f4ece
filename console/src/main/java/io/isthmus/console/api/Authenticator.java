package io.isthmus.console.api;

import io.isthmus.console.auth.ApiToken;
import io.isthmus.console.auth.Role;
import io.isthmus.console.auth.TokenStore;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** Route guard: a valid {@code Authorization: Bearer TOKEN} whose role includes the one needed. */
final class Authenticator {
  static final String ACTOR = "actor";
  private final TokenStore tokens;

  Authenticator(TokenStore tokens) {
    this.tokens = tokens;
  }

  Handler<RoutingContext> require(Role role) {
    return ctx -> {
      String header = ctx.request().getHeader("Authorization");
      String token =
          header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
              ? header.substring(7).trim()
              : null;
      Optional<ApiToken> found = tokens.authenticate(token);
      if (found.isEmpty()) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        ctx.fail(
            new ApiException(
                401,
                token == null
                    ? "an API token is required (Authorization: Bearer TOKEN)"
                    : "unknown or revoked token"));
        return;
      }
      if (!found.get().role().includes(role)) {
        ctx.fail(
            new ApiException(
                403,
                "token '"
                    + found.get().name()
                    + "' has role "
                    + found.get().role().name().toLowerCase(java.util.Locale.ROOT)
                    + "; this needs "
                    + role.name().toLowerCase(java.util.Locale.ROOT)));
        return;
      }
      ctx.put(ACTOR, found.get().name());
      ctx.next();
    };
  }
}
