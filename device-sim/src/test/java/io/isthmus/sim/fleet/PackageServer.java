package io.isthmus.sim.fleet;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Serves a folder of package folders over HTTP ({@code GET /pkg/NAME/PATH}), counting requests. */
final class PackageServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

  PackageServer(Path root) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    server.createContext("/pkg/", exchange -> serve(root, exchange));
    server.setExecutor(executor);
    server.start();
  }

  /** The URL of package folder {@code name}. */
  String url(String name) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/pkg/" + name;
  }

  /** GET requests for {@code /pkg/NAME/PATH} so far. */
  int requests(String name, String path) {
    AtomicInteger n = requests.get("/pkg/" + name + "/" + path);
    return n == null ? 0 : n.get();
  }

  private void serve(Path root, HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    Path file = root.resolve(path.substring("/pkg/".length())).normalize();
    try (exchange) {
      if (!file.startsWith(root) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = Files.readAllBytes(file);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
