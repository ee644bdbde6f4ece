package io.isthmus.agent.pipeline;

import io.isthmus.agent.config.PipelineConfig;
import io.isthmus.agent.exec.EventQueue;
import io.isthmus.agent.exec.PipelineWorkers;
import io.isthmus.agent.exec.QueuedEvent;
import io.isthmus.agent.ingest.MessageHandler;
import io.isthmus.agent.metrics.PipelineMetrics;
import io.isthmus.agent.pipeline.pre.Preprocessor;
import io.isthmus.inference.LoadedModel;
import io.isthmus.protocol.mqtt.MqttTopics;
import io.isthmus.protocol.mqtt.SensorTopic;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A running pipeline: its bounded queue, its workers and its model. The {@link #handler()} runs on
 * the MQTT thread and only counts, parses the topic and offers to the queue.
 *
 * <pre>
 *  MQTT thread --offer--> EventQueue (bounded) --takeBatch--> workers --run--> model --publish-->
 * </pre>
 */
public final class Pipeline implements AutoCloseable {
  public static final List<String> REJECT_REASONS =
      List.of(
          RejectedEventException.MALFORMED_JSON,
          RejectedEventException.MALFORMED_PROTOBUF,
          RejectedEventException.PAYLOAD_TOO_LARGE,
          RejectedEventException.WRONG_PAYLOAD,
          RejectedEventException.WRONG_SHAPE,
          RejectedEventException.BAD_IMAGE,
          RejectedEventException.UNKNOWN_DEVICE,
          RejectedEventException.ENGINE_FAILURE,
          RejectedEventException.BAD_OUTPUT,
          "bad_topic",
          EventQueue.QUEUE_FULL);

  public static final String SHUTDOWN = "shutdown";

  private final PipelineConfig config;
  private final LoadedModel model;
  private final PipelineMetrics metrics;
  private final EventQueue queue;
  private final PipelineWorkers<?> workers;
  private final MqttTopics topics;
  private final Preprocessor pre;
  private volatile boolean accepting = true;

  Pipeline(
      PipelineConfig config,
      LoadedModel model,
      Preprocessor pre,
      BatchProcessor processor,
      PipelineMetrics metrics) {
    this.config = config;
    this.model = model;
    this.pre = pre;
    this.metrics = metrics;
    metrics.declare(REJECT_REASONS, List.of(EventQueue.OVERLOAD));
    this.queue = new EventQueue(config.queue().capacity(), config.queue().overload(), metrics);
    this.workers =
        new PipelineWorkers<>(config.name(), config.workers(), queue, config.batch(), processor);
    this.topics = MqttTopics.builder().sensorPrefix(sensorPrefix(config.topicFilter())).build();
  }

  /** The part of a filter like {@code sensors/+/accel} before the device and stream levels. */
  static String sensorPrefix(String filter) {
    int stream = filter.lastIndexOf('/');
    int device = stream > 0 ? filter.lastIndexOf('/', stream - 1) : -1;
    return device > 0 ? filter.substring(0, device) : MqttTopics.DEFAULT_SENSOR_PREFIX;
  }

  public String name() {
    return config.name();
  }

  public PipelineConfig config() {
    return config;
  }

  public EventQueue queue() {
    return queue;
  }

  public PipelineMetrics metrics() {
    return metrics;
  }

  public Preprocessor preprocessor() {
    return pre;
  }

  /** The topic filters to subscribe: the configured one, and its {@code .pb} twin. */
  public List<String> subscriptions() {
    String filter = config.topicFilter();
    String last = filter.substring(filter.lastIndexOf('/') + 1);
    boolean literal = !last.equals("+") && !last.equals("#");
    return literal ? List.of(filter, filter + ".pb") : List.of(filter);
  }

  /** Counts, routes and queues one message; never blocks. */
  public MessageHandler handler() {
    return message -> {
      metrics.received();
      if (!accepting) {
        metrics.dropped(SHUTDOWN, 1);
        return;
      }
      Optional<SensorTopic> topic = topics.parseSensor(message.topic());
      if (topic.isEmpty()) {
        metrics.rejected("bad_topic", 1);
        return;
      }
      queue.offer(new QueuedEvent(message, topic.get()));
    };
  }

  /** From now on, messages are counted as {@code dropped{reason=shutdown}} instead of queued. */
  public void stopAccepting() {
    accepting = false;
  }

  public void start() {
    workers.start();
  }

  /** Lets the workers drain the queue for up to {@code drain}; blocks. */
  public boolean stop(Duration drain) {
    boolean drained = workers.stop(drain);
    // what the workers did not reach in time, or what the MQTT thread queued as they exited
    int left = queue.discard();
    if (left > 0) {
      metrics.dropped(SHUTDOWN, left);
    }
    return drained;
  }

  /** Frees the models, the pipeline's and its stages' (waits for runs in progress). */
  @Override
  public void close() {
    try {
      model.close();
    } finally {
      pre.close();
    }
  }
}
