package io.isthmus.console.api;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a content-addressed file with an ETag (its sha256), {@code If-None-Match} (304) and single
 * {@code Range} requests (206, or 416 when unsatisfiable), so downloads can be resumed.
 */
final class FileResponder {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private FileResponder() {}

  static void send(RoutingContext ctx, Path file, String sha256, long size, String contentType) {
    HttpServerResponse response = ctx.response();
    String etag = "\"" + sha256 + "\"";
    response
        .putHeader("ETag", etag)
        .putHeader("Accept-Ranges", "bytes")
        .putHeader("Cache-Control", "public, max-age=31536000, immutable")
        .putHeader("Content-Type", contentType);
    String ifNoneMatch = ctx.request().getHeader("If-None-Match");
    if (ifNoneMatch != null && (ifNoneMatch.contains(etag) || ifNoneMatch.trim().equals("*"))) {
      response.setStatusCode(304).end();
      return;
    }
    String range = ctx.request().getHeader("Range");
    String ifRange = ctx.request().getHeader("If-Range");
    if (range == null || (ifRange != null && !ifRange.equals(etag))) {
      response.sendFile(file.toString());
      return;
    }
    Matcher m = RANGE.matcher(range.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      response.sendFile(file.toString()); // multi-range or unknown unit: the whole file is valid
      return;
    }
    long start;
    long end;
    if (m.group(1).isEmpty()) { // suffix: the last N bytes
      long n = Long.parseLong(m.group(2));
      start = Math.max(0, size - n);
      end = size - 1;
    } else {
      start = Long.parseLong(m.group(1));
      end = m.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(m.group(2)), size - 1);
    }
    if (start >= size || end < start) {
      response.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
      return;
    }
    response
        .setStatusCode(206)
        .putHeader("Content-Range", "bytes " + start + "-" + end + "/" + size)
        .sendFile(file.toString(), start, end - start + 1);
  }
}
