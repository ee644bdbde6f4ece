package io.isthmus.agent.pipeline;

import io.isthmus.agent.config.PipelineConfig;
import io.isthmus.agent.exec.PipelineWorkers;
import io.isthmus.agent.exec.QueuedEvent;
import io.isthmus.agent.exec.RateLimitedLog;
import io.isthmus.agent.metrics.PipelineMetrics;
import io.isthmus.agent.model.VersionedModel;
import io.isthmus.agent.offload.SplitModel;
import io.isthmus.agent.offload.SplitRun;
import io.isthmus.agent.pipeline.pre.Preprocessor;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.Outputs;
import io.isthmus.protocol.v1.SensorEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker does with a batch taken from the queue: decode, check, pre-process, run the model
 * once for the whole batch (when its batch dimension is dynamic, else once per event), split the
 * outputs per event and publish each result. Every failure of one event is a counted rejection with
 * a rate-limited log line; the worker serves on.
 */
final class BatchProcessor implements PipelineWorkers.BatchHandler<List<PreparedEvent>> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

  private final PipelineConfig config;
  private final SensorEventDecoder decoder;
  private final Preprocessor pre;
  private final LoadedModel model;
  private final ModelBinding binding;
  private final ResultPublisher publisher;
  private final PipelineMetrics metrics;
  private final RateLimitedLog rejections = new RateLimitedLog(LOG, Duration.ofSeconds(10));

  BatchProcessor(
      PipelineConfig config,
      Preprocessor pre,
      LoadedModel model,
      ModelBinding binding,
      io.isthmus.agent.pipeline.post.Postprocessor post,
      ResultSink sink,
      PipelineMetrics metrics) {
    this.config = config;
    this.decoder = new SensorEventDecoder(config.decoder(), config.maxPayloadBytes());
    this.pre = pre;
    this.model = model;
    this.binding = binding;
    this.metrics = metrics;
    this.publisher = new ResultPublisher(config, post, sink, metrics, this::publishFailed);
  }

  @Override
  public List<PreparedEvent> prepare(List<QueuedEvent> batch) {
    long dequeued = System.nanoTime();
    List<PreparedEvent> ready = new ArrayList<>(batch.size());
    for (QueuedEvent queued : batch) {
      long queueUs = (dequeued - queued.message().receivedNanos()) / 1000;
      metrics.stage("queue", queueUs);
      prepare(queued, queueUs).ifPresent(ready::add);
    }
    return ready;
  }

  @Override
  public void run(List<PreparedEvent> ready) {
    if (ready.isEmpty()) {
      return;
    }
    if (binding.dynamicBatch()) {
      runModel(ready);
    } else {
      for (PreparedEvent one : ready) {
        runModel(List.of(one));
      }
    }
  }

  private Optional<PreparedEvent> prepare(QueuedEvent queued, long queueUs) {
    long start = System.nanoTime();
    String device = queued.topic().deviceId();
    try {
      SensorEvent event = decoder.decode(queued.message(), queued.topic());
      if (!config.allowedDevices().isEmpty() && !config.allowedDevices().contains(device)) {
        throw new RejectedEventException(
            RejectedEventException.UNKNOWN_DEVICE, "device is not in the pipeline's devices list");
      }
      Optional<float[]> sample = pre.apply(event);
      metrics.stage("pre", (System.nanoTime() - start) / 1000);
      return sample.map(s -> new PreparedEvent(event, s, queueUs, start));
    } catch (RejectedEventException e) {
      reject(device, e);
    } catch (RuntimeException e) {
      // the per-event boundary: an unexpected failure on one event must not stop the worker
      reject(device, new RejectedEventException("internal_error", e.toString(), e));
    }
    return Optional.empty();
  }

  private void runModel(List<PreparedEvent> events) {
    long start = System.nanoTime();
    Outputs outputs;
    OptionalLong networkUs = OptionalLong.empty();
    OptionalLong cloudInferUs = OptionalLong.empty();
    String version = config.model().version();
    try {
      List<float[]> samples = new ArrayList<>(events.size());
      events.forEach(e -> samples.add(e.sample()));
      if (model instanceof SplitModel split) {
        SplitRun run = split.runSplit(binding.stack(samples));
        outputs = run.outputs();
        networkUs = run.networkUs();
        cloudInferUs = run.cloudInferUs();
        version = run.modelVersion().orElse(version);
      } else if (model instanceof VersionedModel versioned) {
        VersionedModel.Served served = versioned.runVersioned(binding.stack(samples));
        outputs = served.outputs();
        version = served.version();
      } else {
        outputs = model.run(binding.stack(samples));
      }
    } catch (InferenceException | RuntimeException e) {
      for (PreparedEvent event : events) {
        reject(
            event.event().getDeviceId(),
            new RejectedEventException(
                RejectedEventException.ENGINE_FAILURE, "model run failed: " + e.getMessage(), e));
      }
      return;
    }
    long end = System.nanoTime();
    // the edge's share: the model run less the time spent waiting on the cloud
    long inferUs = (end - start) / 1000 - networkUs.orElse(0);
    metrics.stage("infer", inferUs);
    metrics.batch(events.size());
    ModelRun run = new ModelRun(version, inferUs, networkUs, cloudInferUs, end);
    for (int i = 0; i < events.size(); i++) {
      PreparedEvent event = events.get(i);
      try {
        long postStart = System.nanoTime();
        Outputs mine = ModelBinding.slice(outputs, i, events.size());
        publisher.publish(event, mine, run);
        metrics.stage("post", (System.nanoTime() - postStart) / 1000);
      } catch (RejectedEventException e) {
        reject(event.event().getDeviceId(), e);
      } catch (RuntimeException e) {
        reject(
            event.event().getDeviceId(),
            new RejectedEventException("internal_error", e.toString(), e));
      }
    }
  }

  private void reject(String device, RejectedEventException e) {
    metrics.rejected(e.reason(), 1);
    rejections.warn(
        e.reason(),
        "pipeline=" + config.name() + " device=" + device + " event rejected: " + e.getMessage());
  }

  private void publishFailed(String device, Throwable e) {
    metrics.error("publish");
    rejections.warn(
        "publish", "pipeline=" + config.name() + " device=" + device + " publish failed: " + e);
  }
}
