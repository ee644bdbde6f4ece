package io.isthmus.agent.offload;

import io.isthmus.agent.config.SplitSettings;
import io.isthmus.agent.config.SplitSettings.Candidate;
import io.isthmus.agent.exec.RateLimitedLog;
import io.isthmus.agent.model.VersionedModel;
import io.isthmus.inference.Engines;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelOptions;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model split between the gateway and the cloud, used by a pipeline like any {@link LoadedModel}.
 * Per run it picks a path ({@link PathChooser}): the full model on the gateway, or a cut whose head
 * runs here and whose tail runs on an Open Inference Protocol v2 server. An offload that times out,
 * cannot connect, gets a 5xx or 429, or meets an open {@link CircuitBreaker} runs the full model
 * here instead, so no event waits on a dead cloud longer than the deadline.
 *
 * <pre>
 *  inputs --choose--> full model (edge) ------------------------------------------> outputs
 *                \--> head (edge) --cut tensors, binary OIP v2, traceparent--> tail (cloud)
 *                                        | timeout, 5xx, 429, breaker open: full model (edge)
 * </pre>
 *
 * <p>{@link #run} blocks the calling thread for at most the head, the deadline and the full model:
 * call it from a pipeline worker, never an event loop.
 */
public final class SplitModel implements LoadedModel {
  private static final Logger LOG = LoggerFactory.getLogger(SplitModel.class);

  private final String pipeline;
  private final SplitSettings settings;
  private final LoadedModel full;
  private final List<LoadedModel> heads;
  private final OipRemote remote;
  private final CircuitBreaker breaker;
  private final NetworkEstimator network = new NetworkEstimator(NetworkEstimator.DEFAULT_ALPHA);
  private final PathChooser chooser;
  private final OffloadMetrics metrics;
  private final RateLimitedLog fallbacks = new RateLimitedLog(LOG, Duration.ofSeconds(10));
  private volatile long lastProbeNanos;

  private SplitModel(
      String pipeline,
      SplitSettings settings,
      LoadedModel full,
      List<LoadedModel> heads,
      MeterRegistry registry) {
    this.pipeline = pipeline;
    this.settings = settings;
    this.full = full;
    this.heads = heads;
    this.remote = new OipRemote(settings.endpoint(), settings.token(), settings.deadline());
    this.breaker = new CircuitBreaker(settings.breaker(), System::nanoTime);
    this.chooser =
        new PathChooser(
            settings.candidates(),
            settings.policy(),
            settings.probeInterval(),
            network,
            System::nanoTime);
    this.metrics = new OffloadMetrics(registry, pipeline, network, breaker);
  }

  /**
   * Loads the head of every cut beside {@code full} (which this model then owns and closes). Head
   * models take the engine their file suggests.
   *
   * @throws InferenceException when a head cannot be loaded; {@code full} and the heads loaded so
   *     far are closed
   */
  public static SplitModel open(
      String pipeline,
      SplitSettings settings,
      LoadedModel full,
      ModelOptions options,
      MeterRegistry registry)
      throws InferenceException {
    List<LoadedModel> heads = new ArrayList<>();
    try {
      for (Candidate candidate : settings.candidates()) {
        heads.add(Engines.forFile(candidate.head()).load(candidate.head(), options));
      }
    } catch (InferenceException | RuntimeException e) {
      heads.forEach(LoadedModel::close);
      full.close();
      throw e;
    }
    return new SplitModel(pipeline, settings, full, heads, registry);
  }

  /** The full model's signature: what the pipeline feeds and reads. */
  @Override
  public ModelSignature signature() {
    return full.signature();
  }

  @Override
  public ExecutionProvider provider() {
    return full.provider();
  }

  @Override
  public Outputs run(Map<String, Tensor> inputs) throws InferenceException {
    return runSplit(inputs).outputs();
  }

  /**
   * Runs the path picked for these inputs, with its timings.
   *
   * @throws InferenceException when a model on the gateway fails (an offload failure is no
   *     exception: the full model runs instead)
   */
  public SplitRun runSplit(Map<String, Tensor> inputs) throws InferenceException {
    int events = rows(inputs);
    probeWhenDue();
    int choice = chooser.choose();
    if (choice == PathChooser.ALL_EDGE) {
      metrics.edge(events);
      return runLocal(inputs, 0);
    }
    if (!breaker.tryAcquire()) {
      metrics.fallback(FallbackReason.CIRCUIT_OPEN, events);
      return runLocal(inputs, 0);
    }
    long headStart = System.nanoTime();
    Outputs head = heads.get(choice).run(inputs);
    long headNanos = System.nanoTime() - headStart;
    chooser.headRan(choice, headNanos / 1e6);
    Candidate candidate = settings.candidates().get(choice);
    TraceContext trace = TraceContext.random();
    try {
      OipRemote.Reply reply =
          await(
              remote.infer(
                  candidate.tailModel(), candidate.tailVersion(), cutTensors(head), trace));
      Outputs outputs = merge(head, reply.outputs());
      breaker.onSuccess();
      chooser.offloaded(choice, reply.bytes(), reply.roundTripNanos() / 1e6);
      metrics.offloaded(reply.roundTripNanos(), events);
      LOG.debug("pipeline={} traceId={} offloaded", pipeline, trace.traceId());
      return new SplitRun(
          outputs,
          headNanos / 1000,
          OptionalLong.of(reply.roundTripNanos() / 1000),
          reply.serverInferUs(),
          Optional.of(trace.traceId()),
          Optional.empty());
    } catch (OffloadException e) {
      breaker.onFailure();
      metrics.fallback(e.reason(), events);
      LOG.debug(
          "pipeline={} traceId={} fallback reason={}: {}",
          pipeline,
          trace.traceId(),
          e.reason().tag(),
          e.getMessage());
      fallbacks.warn(
          e.reason().tag(),
          "pipeline="
              + pipeline
              + " offload to "
              + settings.endpoint()
              + " failed, the full model ran here: reason="
              + e.reason().tag()
              + " "
              + e.getMessage());
      return runLocal(inputs, headNanos);
    }
  }

  private SplitRun runLocal(Map<String, Tensor> inputs, long spentNanos) throws InferenceException {
    long start = System.nanoTime();
    Outputs outputs;
    Optional<String> version = Optional.empty();
    if (full instanceof VersionedModel versioned) {
      VersionedModel.Served served = versioned.runVersioned(inputs);
      outputs = served.outputs();
      version = Optional.of(served.version());
    } else {
      outputs = full.run(inputs);
    }
    long nanos = System.nanoTime() - start;
    chooser.localRan(nanos / 1e6);
    return new SplitRun(
        outputs,
        (spentNanos + nanos) / 1000,
        OptionalLong.empty(),
        OptionalLong.empty(),
        Optional.empty(),
        version);
  }

  /** Waits for the offload on this (worker) thread, at most the deadline. */
  private OipRemote.Reply await(Future<OipRemote.Reply> reply) throws OffloadException {
    try {
      return reply.get(settings.deadline().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      reply.cancel(true);
      throw new OffloadException(
          FallbackReason.TIMEOUT, "no answer within " + settings.deadline().toMillis() + " ms", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof OffloadException offload) {
        throw offload;
      }
      throw new OffloadException(FallbackReason.BAD_RESPONSE, String.valueOf(e.getCause()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OffloadException(FallbackReason.TIMEOUT, "interrupted while waiting", e);
    }
  }

  /** The head outputs the tail reads: every head output that is not a full-model output. */
  private Map<String, Tensor> cutTensors(Outputs head) {
    List<String> modelOutputs = full.signature().outputNames();
    Map<String, Tensor> cut = new LinkedHashMap<>();
    head.asMap()
        .forEach(
            (name, tensor) -> {
              if (!modelOutputs.contains(name)) {
                cut.put(name, tensor);
              }
            });
    return cut;
  }

  /**
   * The full model's outputs in its order, each from the tail or, if the head made it, the head.
   */
  private Outputs merge(Outputs head, Outputs tail) throws OffloadException {
    Map<String, Tensor> merged = new LinkedHashMap<>();
    for (String name : full.signature().outputNames()) {
      Tensor tensor = tail.asMap().getOrDefault(name, head.asMap().get(name));
      if (tensor == null) {
        throw new OffloadException(
            FallbackReason.BAD_RESPONSE,
            "neither the head nor the tail returned model output "
                + name
                + "; the tail returned "
                + tail.names(),
            null);
      }
      merged.put(name, tensor);
    }
    return new Outputs(merged);
  }

  /** Refreshes the RTT estimate with a readiness GET every probe interval; never blocks. */
  private void probeWhenDue() {
    long now = System.nanoTime();
    long last = lastProbeNanos;
    if (last != 0 && now - last < settings.probeInterval().toNanos()) {
      return;
    }
    lastProbeNanos = now;
    remote
        .probe()
        .whenComplete(
            (nanos, failure) -> {
              if (failure == null) {
                network.recordRtt(nanos / 1e6);
              }
            });
  }

  /** The circuit breaker's state now. */
  public CircuitBreaker.State breakerState() {
    return breaker.state();
  }

  /** Events whose tail ran in the cloud so far. */
  public double offloadedCount() {
    return metrics.offloadedCount();
  }

  /** Events that fell back to the full model for {@code reason} so far. */
  public double fallbackCount(FallbackReason reason) {
    return metrics.fallbackCount(reason);
  }

  /** Closes the heads and the full model; idempotent. */
  @Override
  public void close() {
    heads.forEach(LoadedModel::close);
    full.close();
  }

  private static int rows(Map<String, Tensor> inputs) {
    for (Tensor t : inputs.values()) {
      long[] shape = t.shape();
      return shape.length == 0 ? 1 : (int) Math.max(1, shape[0]);
    }
    return 1;
  }
}
