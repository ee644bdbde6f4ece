package io.isthmus.agent.config;

import io.isthmus.agent.config.SplitSettings.BreakerSettings;
import io.isthmus.agent.config.SplitSettings.Candidate;
import io.isthmus.agent.config.SplitSettings.Policy;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a pipeline's {@code model.split} section into {@link SplitSettings}. */
final class SplitConfigReader {
  private final Path baseDir;

  SplitConfigReader(Path baseDir) {
    this.baseDir = baseDir;
  }

  SplitSettings read(ConfigNode node) {
    node.allowOnly("remote", "candidates", "plan", "policy", "breaker", "probeInterval");
    Optional<PlanCandidates> plan =
        node.file("plan").map(f -> PlanCandidates.read(node.path("plan"), baseDir.resolve(f)));
    ConfigNode remote = node.requiredChild("remote");
    remote.allowOnly("url", "token", "tokenFile", "deadline");
    List<Candidate> candidates = new ArrayList<>();
    for (ConfigNode candidate : node.list("candidates")) {
      candidates.add(candidate(candidate, plan));
    }
    if (candidates.isEmpty()) {
      throw new ConfigException(
          node.path("candidates"),
          "missing, expected a list of cuts like [{head: head.onnx, model: tail}]");
    }
    Duration deadline = remote.duration("deadline", Duration.ofMillis(500));
    if (deadline.isZero() || deadline.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new ConfigException(remote.path("deadline"), deadline + " is not between 1ms and 1m");
    }
    return new SplitSettings(
        endpoint(remote),
        token(remote),
        deadline,
        candidates,
        node.choice(
            "policy",
            Policy.ADAPTIVE,
            Map.of("adaptive", Policy.ADAPTIVE, "always", Policy.ALWAYS)),
        breaker(node.child("breaker")),
        node.duration("probeInterval", Duration.ofSeconds(10)));
  }

  private static URI endpoint(ConfigNode remote) {
    String url =
        remote.requiredString("url", "the base URL of an OIP v2 server, like http://host:8000");
    try {
      URI uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below with what is expected
    }
    throw new ConfigException(
        remote.path("url"), "\"" + url + "\" is not an http:// or https:// URL with a host");
  }

  private Optional<String> token(ConfigNode remote) {
    Optional<String> token = remote.string("token");
    Optional<Path> file = remote.file("tokenFile").map(baseDir::resolve);
    if (token.isPresent() && file.isPresent()) {
      throw new ConfigException(remote.path("tokenFile"), "given with token, expected one of them");
    }
    if (file.isEmpty()) {
      return token;
    }
    try {
      return Optional.of(Files.readString(file.get()).strip());
    } catch (IOException e) {
      throw new ConfigException(remote.path("tokenFile"), "cannot be read: " + e, e);
    }
  }

  private Candidate candidate(ConfigNode node, Optional<PlanCandidates> plan) {
    node.allowOnly("head", "model", "version", "cloudMs", "plan");
    double cloudMs = node.number("cloudMs", 0);
    if (cloudMs < 0) {
      throw new ConfigException(node.path("cloudMs"), cloudMs + " is not a non-negative number");
    }
    if (node.has("plan")) {
      if (plan.isEmpty()) {
        throw new ConfigException(
            node.path("plan"), "given without split.plan, expected the plan.json file there");
      }
      if (node.has("cloudMs")) {
        throw new ConfigException(node.path("cloudMs"), "given with plan, expected one of them");
      }
      cloudMs =
          plan.get().cloudMs(node.integer("plan", 0, 0, Integer.MAX_VALUE), node.path("plan"));
    }
    return new Candidate(
        baseDir.resolve(node.requiredString("head", "the head model file of this cut")),
        node.requiredString("model", "the tail's model name on the server"),
        node.string("version"),
        cloudMs);
  }

  private static BreakerSettings breaker(ConfigNode node) {
    node.allowOnly("failures", "errorRate", "window", "coolDown");
    double rate = node.number("errorRate", 0.5);
    if (rate <= 0 || rate > 1) {
      throw new ConfigException(node.path("errorRate"), rate + " is not in (0, 1]");
    }
    return new BreakerSettings(
        node.integer("failures", 3, 1, 1000),
        rate,
        node.integer("window", 20, 1, 10_000),
        node.duration("coolDown", Duration.ofSeconds(5)));
  }
}
