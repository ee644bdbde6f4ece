package io.isthmus.offload.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.offload.testing.AffineModel;
import io.isthmus.offload.testing.OipClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Knative's shutdown contract on the real process: SIGTERM turns readiness off and refuses new
 * requests, the requests in flight are answered, then the process exits.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SigtermDrainIT {
  private static final Pattern READY = Pattern.compile("isthmus offload ready: port=(\\d+)");

  @TempDir Path dir;

  @Test
  void requestsInFlightWhenSigtermArrivesAreAnswered() throws Exception {
    // GIVEN the function as its own process, holding requests in the batch queue for 3 s
    Path model = AffineModel.write(dir, "affine");
    Path target = Path.of("target");
    String classpath =
        target.resolve("classes").toAbsolutePath()
            + java.io.File.pathSeparator
            + Files.readString(target.resolve("classpath.txt")).trim();
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                "io.isthmus.offload.cli.OffloadCommand",
                "--model",
                "affine=" + model,
                "--port",
                "0",
                "--host",
                "127.0.0.1",
                "--max-batch",
                "64",
                "--max-queue-delay-ms",
                "3000",
                "--drain-grace-s",
                "30",
                "--cache-dir",
                dir.resolve("cache").toString())
            .redirectErrorStream(true)
            .start();
    List<String> output = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  output.add(line);
                  Matcher m = READY.matcher(line);
                  if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                  }
                }
                port.completeExceptionally(new IllegalStateException("exited: " + output));
              } catch (java.io.IOException e) {
                port.completeExceptionally(e);
              }
            });
    reader.start();
    try {
      OipClient client = new OipClient(port.get(60, TimeUnit.SECONDS));
      List<float[]> inputs = new ArrayList<>();
      List<CompletableFuture<HttpResponse<byte[]>>> replies = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        float[] x = {i, i + 1, i + 2, i + 3};
        inputs.add(x);
        replies.add(
            client.postAsync("/v2/models/affine/infer", OipClient.affineRequest(x, i == 1)));
      }
      while (!client.getText("/metrics").body().contains("isthmus_offload_inflight 3.0")) {
        Thread.sleep(10);
      }

      // WHEN SIGTERM arrives while the three wait in the queue
      // (through the handle: Process.destroy() would also close our end of its output)
      assertThat(process.toHandle().destroy()).isTrue();
      while (client.get("/v2/health/ready").statusCode() != 503) {
        Thread.sleep(10);
      }
      HttpResponse<byte[]> late =
          client
              .postAsync("/v2/models/affine/infer", OipClient.affineRequest(inputs.get(0), false))
              .get();

      // THEN new work is refused, the three are answered exactly, and the process exits
      OipServerIT.assertError(late, 503, "shutting down");
      for (int i = 0; i < 3; i++) {
        HttpResponse<byte[]> reply = replies.get(i).get(30, TimeUnit.SECONDS);
        assertThat(reply.statusCode()).isEqualTo(200);
        float[] x = inputs.get(i);
        assertThat(OipClient.decode(reply).output("y").toFloatArray())
            .containsExactly(
                AffineModel.expected(x[0]),
                AffineModel.expected(x[1]),
                AffineModel.expected(x[2]),
                AffineModel.expected(x[3]));
      }
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the drain hook ran
      reader.join(5000);
      assertThat(output)
          .contains(
              "isthmus offload draining: inFlight=3 graceS=30",
              "isthmus offload stopped: drained=true");
    } finally {
      process.destroyForcibly();
    }
  }
}
