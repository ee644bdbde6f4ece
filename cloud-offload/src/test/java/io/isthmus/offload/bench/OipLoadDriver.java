package io.isthmus.offload.bench;

import io.isthmus.protocol.oip.InferenceRequest;
import io.isthmus.protocol.oip.ModelMetadata;
import io.isthmus.protocol.oip.OipBody;
import io.isthmus.protocol.oip.OipCodec;
import io.isthmus.protocol.oip.OipMetadataCodec;
import io.isthmus.protocol.oip.OipParameters;
import io.isthmus.protocol.oip.OipTensor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A closed-loop load driver for the batching benchmark: {@code concurrency} callers each post one
 * binary FP32 request of one row at a time to an OIP v2 server for {@code seconds} (after a warm-up
 * of the same length / 4) and it prints throughput and latency percentiles. Only the model's first
 * input is filled; dynamic dimensions other than the batch take {@code dims}.
 *
 * <p>Usage: {@code OipLoadDriver URL MODEL CONCURRENCY SECONDS DIM,DIM,...}, e.g. {@code
 * http://127.0.0.1:8080 cls 8 20 1,3,48,192}.
 */
public final class OipLoadDriver {
  private OipLoadDriver() {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String model = args[1];
    int concurrency = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    long[] dims = Arrays.stream(args[4].split(",")).mapToLong(Long::parseLong).toArray();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ModelMetadata metadata =
        OipMetadataCodec.decode(
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v2/models/" + model)).build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .body());
    int elements = (int) Arrays.stream(dims).reduce(1, (a, b) -> a * b);
    float[] values = new float[elements];
    Random random = new Random(1);
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    InferenceRequest request =
        new InferenceRequest(
            Optional.empty(),
            OipParameters.of(OipParameters.BINARY_DATA_OUTPUT, true),
            List.of(OipTensor.ofFloats(metadata.inputs().get(0).name(), dims, values)),
            List.of());
    OipBody body = OipCodec.defaults().encodeRequest(request, true);
    HttpRequest post =
        HttpRequest.newBuilder(URI.create(base + "/v2/models/" + model + "/infer"))
            .header("Content-Type", body.contentType())
            .header(OipBody.HEADER_CONTENT_LENGTH, Integer.toString(body.headerLength().getAsInt()))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.body()))
            .build();

    run(http, post, concurrency, seconds * 250L, null); // warm-up, discarded
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicInteger errors = new AtomicInteger();
    long start = System.nanoTime();
    errors.addAndGet(run(http, post, concurrency, seconds * 1000L, latencies));
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "concurrency=%d requests=%d errors=%d throughput=%.1f/s p50=%.2fms p99=%.2fms%n",
        concurrency,
        sorted.length,
        errors.get(),
        sorted.length / elapsed,
        percentile(sorted, 0.50),
        percentile(sorted, 0.99));
  }

  private static int run(
      HttpClient http,
      HttpRequest post,
      int concurrency,
      long millis,
      ConcurrentLinkedQueue<Long> latencies)
      throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000;
    AtomicInteger errors = new AtomicInteger();
    List<Thread> callers = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      Thread caller =
          new Thread(
              () -> {
                while (System.nanoTime() < end) {
                  long t0 = System.nanoTime();
                  try {
                    int status =
                        http.send(post, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
                    if (status != 200) {
                      errors.incrementAndGet();
                    } else if (latencies != null) {
                      latencies.add(System.nanoTime() - t0);
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                }
              });
      caller.start();
      callers.add(caller);
    }
    for (Thread caller : callers) {
      caller.join();
    }
    return errors.get();
  }

  private static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }
}
