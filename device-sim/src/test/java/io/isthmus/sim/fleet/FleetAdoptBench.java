package io.isthmus.sim.fleet;

import io.isthmus.protocol.manifest.PackageBuilder;
import io.isthmus.protocol.manifest.SigningKey;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.Health;
import io.isthmus.protocol.v1.ReportedState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * The console's side of the fleet benchmark (benchmarks/e2e/fleet-adopt.sh): signs a package,
 * serves it over HTTP, waits for {@code N} simulated gateways to report, publishes a new desired
 * state for all of them at once and measures how long until every one reports the new version
 * active. Prints one JSON line.
 *
 * <p>Arguments: {@code BROKER_URI DIR COUNT ID_PREFIX [MODEL_BYTES] [TIMEOUT_S]}; it writes {@code
 * DIR/keys/public.pem}, then {@code DIR/ready} when the package is served.
 */
public final class FleetAdoptBench {
  private FleetAdoptBench() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    Path dir = Path.of(args[1]);
    int count = Integer.parseInt(args[2]);
    String prefix = args[3];
    int modelBytes = args.length > 4 ? Integer.parseInt(args[4]) : 1 << 20;
    long timeoutS = args.length > 5 ? Long.parseLong(args[5]) : 300;
    int width = String.valueOf(Math.max(0, count - 1)).length();
    List<String> ids =
        IntStream.range(0, count)
            .mapToObj(i -> prefix + String.format("%0" + width + "d", i))
            .toList();

    SigningKey key = SigningKey.generate();
    key.writeTo(Files.createDirectories(dir.resolve("keys")));
    Path src = Files.createDirectories(dir.resolve("src"));
    byte[] model = new byte[modelBytes];
    new Random(1).nextBytes(model);
    Files.write(src.resolve("model.onnx"), model);
    Path pkg = dir.resolve("pkg");
    new PackageBuilder("vibration-anomaly", "2.0.0")
        .addFile(src.resolve("model.onnx"), "model.onnx")
        .pack(pkg.resolve("v2"))
        .sign(key);
    String sha =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(pkg.resolve("v2/manifest.pb"))));

    try (PackageServer server = new PackageServer(pkg);
        FleetObserver console = new FleetObserver(uri)) {
      Files.writeString(dir.resolve("ready"), server.url("v2"));
      long waitStart = System.nanoTime();
      long deadline = waitStart + TimeUnit.SECONDS.toNanos(timeoutS);
      // reports of this run only (a broker may hold retained ones of an earlier run)
      long startUs = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
      Predicate<ReportedState> online =
          r -> r.getReportedAtUs() >= startUs && r.getHealth() != Health.HEALTH_FAILING;
      long firstSeen = until(ids, console, online, deadline, true);
      long allSeen = until(ids, console, online, deadline, false);
      DesiredModel want =
          DesiredModel.newBuilder()
              .setModelName("vibration-anomaly")
              .setModelVersion("2.0.0")
              .setDownloadUrl(server.url("v2"))
              .setSha256(sha)
              .build();
      long generation = System.currentTimeMillis();
      long published = System.nanoTime();
      console.desire(ids, generation, "vibration", want);
      long publishedAll = System.nanoTime();
      Predicate<ReportedState> adopted =
          r ->
              r.getObservedGeneration() == generation
                  && r.containsPipelines("vibration")
                  && r.getPipelinesOrThrow("vibration").getActiveVersion().equals("2.0.0");
      long firstAdopted = until(ids, console, adopted, deadline, true);
      long allAdopted = until(ids, console, adopted, deadline, false);
      System.out.printf(
          "{\"gateways\":%d,\"modelBytes\":%d,\"reportsFirstToAllS\":%.3f,"
              + "\"publishDesiredS\":%.3f,\"firstAdoptedS\":%.3f,\"allAdoptedS\":%.3f,"
              + "\"manifestRequests\":%d,\"modelRequests\":%d}%n",
          count,
          modelBytes,
          (allSeen - firstSeen) / 1e9,
          (publishedAll - published) / 1e9,
          (firstAdopted - published) / 1e9,
          (allAdopted - published) / 1e9,
          server.requests("v2", "manifest.pb"),
          server.requests("v2", "model.onnx"));
    }
  }

  /** Waits until one (or all) of {@code ids} reported a state matching {@code test}. */
  private static long until(
      List<String> ids,
      FleetObserver console,
      Predicate<ReportedState> test,
      long deadline,
      boolean any)
      throws InterruptedException {
    while (true) {
      Predicate<String> match = id -> console.reported(id).filter(test).isPresent();
      boolean done = any ? ids.stream().anyMatch(match) : ids.stream().allMatch(match);
      if (done) {
        return System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        long n = ids.stream().filter(match).count();
        throw new IllegalStateException("timed out: " + n + " of " + ids.size() + " gateways");
      }
      Thread.sleep(5);
    }
  }
}
