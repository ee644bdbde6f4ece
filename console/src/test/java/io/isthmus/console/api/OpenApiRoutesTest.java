package io.isthmus.console.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every route the router serves is in openapi.yaml, and every documented operation is served. */
class OpenApiRoutesTest {

  @Test
  void routerAndOpenApiDocumentTheSameOperations() throws Exception {
    JsonNode spec;
    try (InputStream in = getClass().getResourceAsStream("/openapi.yaml")) {
      spec = new ObjectMapper(new YAMLFactory()).readTree(in);
    }
    assertThat(spec.path("openapi").asText()).startsWith("3.");
    Set<String> documented = new TreeSet<>();
    Iterator<String> paths = spec.path("paths").fieldNames();
    while (paths.hasNext()) {
      String path = paths.next();
      Iterator<String> methods = spec.path("paths").path(path).fieldNames();
      while (methods.hasNext()) {
        String method = methods.next();
        if (!method.equals("parameters")) {
          documented.add(
              method.toUpperCase(Locale.ROOT) + " " + path.replaceAll("\\{[^}]+}", "{}"));
        }
      }
    }

    Vertx vertx = Vertx.vertx();
    try {
      Path uploads = Files.createTempDirectory("uploads");
      Router router =
          new ConsoleApi(vertx, null, null, null, null, null, null, null, uploads, () -> true)
              .router();
      Set<String> served = new TreeSet<>();
      for (Route route : router.getRoutes()) {
        if (route.getPath() == null || route.methods() == null) {
          continue; // the fallback and failure handlers
        }
        String path = route.getPath().replaceAll(":[A-Za-z]+", "{}");
        if (path.endsWith("/") && path.length() > 1) {
          path = path + "{}"; // a wildcard route: /artifacts/:token/:sha/*
        }
        for (HttpMethod method : route.methods()) {
          served.add(method.name() + " " + path);
        }
      }
      assertThat(served).hasSizeGreaterThan(20);
      assertThat(served).isEqualTo(documented);
    } finally {
      vertx.close();
    }
  }
}
