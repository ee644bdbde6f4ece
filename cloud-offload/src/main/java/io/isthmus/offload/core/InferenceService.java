package io.isthmus.offload.core;

import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.TensorSpec;
import io.isthmus.offload.batch.DynamicBatcher;
import io.isthmus.offload.metrics.OffloadMetrics;
import io.isthmus.offload.model.ModelRepository;
import io.isthmus.offload.model.ModelSource;
import io.isthmus.offload.model.ServedModel;
import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.oip.InferenceRequest;
import io.isthmus.protocol.oip.InferenceResponse;
import io.isthmus.protocol.oip.ModelMetadata;
import io.isthmus.protocol.oip.OipBody;
import io.isthmus.protocol.oip.OipCodec;
import io.isthmus.protocol.oip.OipParameters;
import io.isthmus.protocol.oip.OipTensor;
import io.isthmus.protocol.oip.RequestedOutput;
import io.isthmus.protocol.oip.ServerMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The function's transport-neutral core: loads and warms the configured models, answers metadata,
 * and runs inference requests through each model's batcher on worker threads, never on the caller's
 * thread. The Vert.x server and the Lambda handler both sit on it.
 *
 * <p>Every future it returns fails with an {@link OffloadException} carrying the HTTP status: 400
 * for a malformed body or a wrong input, 404 for an unknown model or version, 413 for a body over
 * the limit, 429 over a model's concurrency limit, 503 before warm-up or while draining, 500 when a
 * model cannot be loaded or run.
 */
public final class InferenceService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);
  private static final String SERVER_NAME = "isthmus-offload";
  private static final String SERVER_VERSION = "0.1.0";

  /**
   * The response parameter holding the function's own time for a request, in microseconds: from its
   * model call to its outputs, batching wait included (decoding, encoding and the network are not).
   * Callers subtract it from their round trip to see the network's share.
   */
  public static final String INFER_US_PARAMETER = "isthmus_infer_us";

  private final OffloadOptions options;
  private final OipCodec codec;
  private final ExecutorService workers;
  private final ModelRepository repository;
  private final Map<String, AtomicInteger> inFlightByModel = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private final OffloadMetrics metrics;
  private volatile boolean ready;
  private volatile boolean draining;
  private volatile ExecutionProvider provider;

  /**
   * A service that has loaded nothing yet; call {@link #start()}.
   *
   * @throws IOException if the disk cache folder cannot be created
   */
  public InferenceService(OffloadOptions options, OffloadMetrics metrics) throws IOException {
    this.options = options;
    this.metrics = metrics;
    this.codec = OipCodec.withMaxBodyBytes(options.maxBodyBytes());
    this.provider = options.provider();
    AtomicInteger threads = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "offload-worker-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    ModelOptions modelOptions =
        ModelOptions.builder()
            .provider(options.provider())
            .intraOpThreads(options.intraOpThreads())
            .build();
    ServedModel.BatcherFactory batchers =
        (source, runner, batchable) ->
            new DynamicBatcher(
                source.name() + "@" + source.version(),
                runner,
                batchable,
                options.batching(),
                workers,
                metrics.batches(source.name()));
    this.repository =
        new ModelRepository(
            options.models(),
            options.cacheDir(),
            modelOptions,
            batchers,
            options.memoryBudgetBytes(),
            new ModelRepository.Listener() {
              @Override
              public void loaded(ModelSource source, String tier, long nanos) {
                metrics.modelLoaded(source.name(), tier);
              }

              @Override
              public void unloaded(ModelSource source) {
                LOG.debug("model={} version={} unloaded", source.name(), source.version());
              }
            });
    for (String name : repository.names()) {
      inFlightByModel.put(name, new AtomicInteger());
    }
    metrics.modelsLoaded(repository::loadedCount);
    metrics.inFlight(inFlight::get);
  }

  /**
   * Loads and warms every configured model on a worker thread; the service is ready when the future
   * completes. Fails with an {@link OffloadException} naming the model that could not load.
   */
  public CompletableFuture<Void> start() {
    return CompletableFuture.runAsync(
        () -> {
          try {
            repository.loadAll();
            try (ModelRepository.Lease lease =
                repository.acquire(repository.names().get(0), Optional.empty())) {
              provider = lease.model().provider();
            }
          } catch (OffloadException e) {
            throw new CompletionException(e);
          }
          metrics.provider(provider.name());
          ready = true;
        },
        workers);
  }

  /** Whether every configured model is loaded and warmed and the service is not draining. */
  public boolean ready() {
    return ready && !draining;
  }

  /** The execution provider the models run on (the requested one until they are loaded). */
  public ExecutionProvider provider() {
    return provider;
  }

  /** Name, version, extensions, and the execution provider as the parameter {@code provider}. */
  public ServerMetadata serverMetadata() {
    return new ServerMetadata(
        SERVER_NAME,
        SERVER_VERSION,
        List.of(ServerMetadata.BINARY_TENSOR_DATA),
        OipParameters.of("execution_provider", provider.name())
            .with("models_loaded", (long) repository.loadedCount()));
  }

  /** Whether {@code name} is one of the configured models. */
  public boolean serves(String name) {
    return inFlightByModel.containsKey(name);
  }

  /**
   * Whether {@code name} at {@code version} (or its default version) can serve now.
   *
   * @throws OffloadException 404 for an unknown model or version
   */
  public boolean modelReady(String name, Optional<String> version) throws OffloadException {
    repository.source(name, version);
    return ready();
  }

  /** The metadata of a model version; loads it on a worker first if it is not in memory. */
  public CompletableFuture<ModelMetadata> modelMetadata(String name, Optional<String> version) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (ModelRepository.Lease lease = repository.acquire(name, version)) {
            ServedModel model = lease.model();
            return new ModelMetadata(
                name,
                repository.versions(name),
                model.platform(),
                model.signature().inputs().stream().map(OipTensors::metadata).toList(),
                model.signature().outputs().stream().map(OipTensors::metadata).toList());
          } catch (OffloadException e) {
            throw new CompletionException(e);
          }
        },
        workers);
  }

  /**
   * Runs one inference request: {@code body} is the HTTP body, {@code headerLength} the {@code
   * Inference-Header-Content-Length} (empty for pure JSON). The reply encodes each output as binary
   * or JSON as the request asked. Fails as the class says.
   */
  public CompletableFuture<OipBody> infer(
      String name, Optional<String> version, byte[] body, OptionalInt headerLength) {
    inFlight.incrementAndGet();
    AtomicInteger counter;
    try {
      if (draining) {
        throw new OffloadException(503, "The function is shutting down; send the request again");
      }
      if (!ready) {
        throw new OffloadException(
            503, "The function is still warming up; poll /v2/health/ready and retry");
      }
      repository.source(name, version);
      counter = inFlightByModel.get(name);
      if (counter.incrementAndGet() > options.maxConcurrency()) {
        counter.decrementAndGet();
        throw new OffloadException(
            429,
            "Model "
                + name
                + " already has "
                + options.maxConcurrency()
                + " requests in flight, its limit; retry after the Retry-After delay");
      }
    } catch (OffloadException e) {
      finished();
      return CompletableFuture.failedFuture(e);
    }
    AtomicInteger modelInFlight = counter;
    CompletableFuture<OipBody> reply =
        CompletableFuture.supplyAsync(() -> prepare(name, version, body, headerLength), workers)
            .thenCompose(this::run);
    return reply.whenComplete(
        (r, e) -> {
          modelInFlight.decrementAndGet();
          finished();
        });
  }

  /**
   * Stops accepting inference requests (they get 503, readiness turns 503) and returns a future
   * that completes when every request in flight has been answered.
   */
  public CompletableFuture<Void> drain() {
    draining = true;
    if (inFlight.get() == 0) {
      drained.complete(null);
    }
    return drained;
  }

  /** Inference requests accepted and not yet answered. */
  public int inFlight() {
    return inFlight.get();
  }

  private void finished() {
    if (inFlight.decrementAndGet() == 0 && draining) {
      drained.complete(null);
    }
  }

  /** A decoded request with its model leased and its inputs converted. */
  private record Prepared(
      InferenceRequest request, ModelRepository.Lease lease, Map<String, Tensor> inputs) {}

  private Prepared prepare(
      String name, Optional<String> version, byte[] body, OptionalInt headerLength) {
    InferenceRequest request;
    try {
      request = codec.decodeRequest(body, headerLength);
    } catch (ProtocolException e) {
      int status = e.reason() == ProtocolException.Reason.PAYLOAD_TOO_LARGE ? 413 : 400;
      throw new CompletionException(new OffloadException(status, e.getMessage(), e));
    }
    ModelRepository.Lease lease = null;
    try {
      lease = repository.acquire(name, version);
      Map<String, Tensor> inputs = inputs(request, lease.model());
      checkOutputs(request, lease.model());
      return new Prepared(request, lease, inputs);
    } catch (OffloadException e) {
      if (lease != null) {
        lease.close();
      }
      throw new CompletionException(e);
    }
  }

  private CompletableFuture<OipBody> run(Prepared prepared) {
    long start = System.nanoTime();
    return prepared
        .lease()
        .model()
        .infer(prepared.inputs())
        .thenApplyAsync(
            outputs -> encode(prepared, outputs, (System.nanoTime() - start) / 1000), workers)
        .whenComplete((r, e) -> prepared.lease().close());
  }

  private static Map<String, Tensor> inputs(InferenceRequest request, ServedModel model)
      throws OffloadException {
    Map<String, OipTensor> given = new LinkedHashMap<>();
    for (OipTensor input : request.inputs()) {
      given.put(input.name(), input);
    }
    List<String> names = model.signature().inputNames();
    for (String input : given.keySet()) {
      if (!names.contains(input)) {
        throw new OffloadException(
            400, "Unknown input name " + input + ", expected one of " + names);
      }
    }
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (TensorSpec spec : model.signature().inputs()) {
      OipTensor input = given.get(spec.name());
      if (input == null) {
        throw new OffloadException(
            400, "Missing input " + spec.name() + ", expected all of " + names);
      }
      inputs.put(spec.name(), OipTensors.toEngine(input, spec));
    }
    long rows = -1;
    if (model.batchable()) {
      for (Map.Entry<String, Tensor> input : inputs.entrySet()) {
        long first = input.getValue().shape()[0];
        if (rows >= 0 && first != rows) {
          throw new OffloadException(
              400,
              "Input "
                  + input.getKey()
                  + " has "
                  + first
                  + " rows but the other inputs have "
                  + rows
                  + "; every input needs the same first dimension");
        }
        rows = first;
      }
    }
    return inputs;
  }

  private static void checkOutputs(InferenceRequest request, ServedModel model)
      throws OffloadException {
    List<String> names = model.signature().outputNames();
    for (RequestedOutput output : request.outputs()) {
      if (!names.contains(output.name())) {
        throw new OffloadException(
            400, "Unknown output name " + output.name() + ", expected one of " + names);
      }
    }
  }

  /**
   * @param inferUs the request's time from the model call to its outputs (batching wait included),
   *     reported in the response parameter {@value #INFER_US_PARAMETER}
   */
  private OipBody encode(Prepared prepared, Map<String, Tensor> outputs, long inferUs) {
    InferenceRequest request = prepared.request();
    List<String> wanted =
        request.outputs().isEmpty()
            ? List.copyOf(outputs.keySet())
            : request.outputs().stream().map(RequestedOutput::name).toList();
    List<OipTensor> tensors = new ArrayList<>();
    for (String name : wanted) {
      tensors.add(OipTensors.toOip(name, outputs.get(name)));
    }
    ModelSource source = prepared.lease().model().source();
    InferenceResponse response =
        new InferenceResponse(
            source.name(),
            Optional.of(source.version()),
            request.id(),
            OipParameters.of(INFER_US_PARAMETER, inferUs),
            tensors);
    try {
      return codec.encodeResponse(response, request::wantsBinaryOutput);
    } catch (ProtocolException e) {
      throw new CompletionException(
          new OffloadException(
              500,
              "An output cannot be written as JSON ("
                  + e.getMessage()
                  + "); ask for it with binary_data_output",
              e));
    }
  }

  /** Maps a failure of a returned future to the exception the client's status comes from. */
  public static OffloadException toOffloadException(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof OffloadException e) {
      return e;
    }
    if (cause instanceof InferenceException e) {
      int status = e.code() == InferenceException.Code.INVALID_INPUT ? 400 : 500;
      return new OffloadException(status, e.getMessage(), e);
    }
    if (cause instanceof java.util.concurrent.CancellationException e) {
      return new OffloadException(503, "The model was unloaded; send the request again", e);
    }
    return new OffloadException(500, "Inference failed: " + cause, cause);
  }

  /** Unloads every model and stops the worker threads. */
  @Override
  public void close() {
    draining = true;
    repository.close();
    workers.shutdown();
  }
}
