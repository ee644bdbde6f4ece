package io.isthmus.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server over a folder of packages for tests: answers {@code Range: bytes=N-} with 206,
 * can drop the connection half-way through the next requests for chosen paths, and can send slowly
 * ({@link #throttle}) so that a download takes long enough to be interrupted.
 */
public final class PackageServer implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

  private final HttpServer server;
  private final Path root;
  private final Map<String, Integer> drops = new ConcurrentHashMap<>();
  private volatile long bytesPerSecond;

  /** Requests that carried a Range header. */
  public final AtomicInteger rangeRequests = new AtomicInteger();

  public PackageServer(Path root, int port) throws IOException {
    this.root = root;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", this::serve);
    server.start();
  }

  public String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
  }

  /** Sends every body at about {@code rate} bytes per second from now on; 0 for full speed. */
  public void throttle(long rate) {
    this.bytesPerSecond = rate;
  }

  /** The next request for {@code path} (relative to the root) sends half the file and drops. */
  public void dropOnce(String path) {
    drop(path, 1);
  }

  /** The next {@code times} requests for {@code path} each send half of what is left and drop. */
  public void drop(String path, int times) {
    if (times > 0) {
      drops.put("/" + path, times);
    } else {
      drops.remove("/" + path);
    }
  }

  private boolean takeDrop(String path) {
    boolean[] take = {false};
    drops.computeIfPresent(
        path,
        (p, n) -> {
          take[0] = true;
          return n > 1 ? n - 1 : null;
        });
    return take[0];
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Path file = root.resolve(path.substring(1)).normalize();
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] bytes = Files.readAllBytes(file);
      int from = 0;
      String range = exchange.getRequestHeaders().getFirst("Range");
      if (range != null) {
        rangeRequests.incrementAndGet();
        Matcher m = RANGE.matcher(range);
        from = m.matches() ? Integer.parseInt(m.group(1)) : 0;
        if (from >= bytes.length) {
          exchange.sendResponseHeaders(416, -1);
          return;
        }
        exchange
            .getResponseHeaders()
            .add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
      }
      int length = bytes.length - from;
      exchange.sendResponseHeaders(range != null ? 206 : 200, length);
      OutputStream out = exchange.getResponseBody();
      if (takeDrop(path)) {
        out.write(bytes, from, length / 2);
        out.flush();
        // closing with fewer bytes than announced drops the connection
        return;
      }
      write(out, bytes, from, length);
    }
  }

  private void write(OutputStream out, byte[] bytes, int from, int length) throws IOException {
    long rate = bytesPerSecond;
    if (rate <= 0) {
      out.write(bytes, from, length);
      return;
    }
    int chunk = (int) Math.max(1024, rate / 20); // 20 pieces a second
    long start = System.nanoTime();
    for (int sent = 0; sent < length; sent += chunk) {
      int n = Math.min(chunk, length - sent);
      out.write(bytes, from + sent, n);
      out.flush();
      long due = start + (sent + n) * 1_000_000_000L / rate;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while sending", e);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
