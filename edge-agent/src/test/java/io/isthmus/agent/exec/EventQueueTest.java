package io.isthmus.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.config.PipelineConfig.Overload;
import io.isthmus.agent.ingest.InboundMessage;
import io.isthmus.agent.metrics.AgentMetrics;
import io.isthmus.agent.metrics.PipelineMetrics;
import io.isthmus.protocol.mqtt.SensorTopic;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventQueueTest {
  private final AgentMetrics metrics = new AgentMetrics();
  private final PipelineMetrics pipeline = metrics.pipeline("p");

  @AfterEach
  void close() {
    metrics.close();
  }

  private static QueuedEvent event(int seq) {
    return new QueuedEvent(
        new InboundMessage("sensors/d/s", new byte[] {(byte) seq}, 0, Optional.empty(), 0, 0),
        new SensorTopic("d", "s", false));
  }

  @Test
  void dropOldestEvictsTheOldestAndCountsEachDrop() throws Exception {
    EventQueue queue = new EventQueue(3, Overload.DROP_OLDEST, pipeline);

    for (int i = 0; i < 10; i++) {
      assertThat(queue.offer(event(i))).isTrue();
    }

    assertThat(pipeline.droppedCount(EventQueue.OVERLOAD)).isEqualTo(7);
    assertThat(queue.highWater()).isEqualTo(3);
    List<QueuedEvent> left = queue.takeBatch(10, Duration.ZERO, Duration.ZERO);
    assertThat(left).extracting(e -> (int) e.message().payload()[0]).containsExactly(7, 8, 9);
  }

  @Test
  void rejectRefusesTheNewEventAndCountsEachRejection() throws Exception {
    EventQueue queue = new EventQueue(3, Overload.REJECT, pipeline);

    int accepted = 0;
    for (int i = 0; i < 10; i++) {
      accepted += queue.offer(event(i)) ? 1 : 0;
    }

    assertThat(accepted).isEqualTo(3);
    assertThat(pipeline.rejectedCount(EventQueue.QUEUE_FULL)).isEqualTo(7);
    assertThat(pipeline.droppedCount(EventQueue.OVERLOAD)).isZero();
    List<QueuedEvent> left = queue.takeBatch(10, Duration.ZERO, Duration.ZERO);
    assertThat(left).extracting(e -> (int) e.message().payload()[0]).containsExactly(0, 1, 2);
    assertThat(metrics.scrape())
        .contains("isthmus_rejected_total{pipeline=\"p\",reason=\"queue_full\"} 7.0")
        .contains("isthmus_queue_depth_max{pipeline=\"p\"} 3.0");
  }

  @Test
  void takeBatchTakesWhatIsWaitingUpToMax() throws Exception {
    EventQueue queue = new EventQueue(10, Overload.REJECT, pipeline);
    for (int i = 0; i < 5; i++) {
      queue.offer(event(i));
    }

    assertThat(queue.takeBatch(3, Duration.ZERO, Duration.ofMillis(1))).hasSize(3);
    assertThat(queue.takeBatch(3, Duration.ZERO, Duration.ofMillis(1))).hasSize(2);
    assertThat(queue.takeBatch(3, Duration.ofMillis(1), Duration.ofMillis(1))).isEmpty();
  }
}
