package io.isthmus.agent.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.config.PipelineConfig.BatchSettings;
import io.isthmus.agent.config.PipelineConfig.Overload;
import io.isthmus.agent.ingest.InboundMessage;
import io.isthmus.agent.metrics.AgentMetrics;
import io.isthmus.protocol.mqtt.SensorTopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PipelineWorkersTest {

  private static QueuedEvent event(int seq) {
    return new QueuedEvent(
        new InboundMessage(
            "sensors/d/s", new byte[] {(byte) (seq >> 8), (byte) seq}, 0, Optional.empty(), 0, 0),
        new SensorTopic("d", "s", false));
  }

  private static int seq(QueuedEvent e) {
    byte[] p = e.message().payload();
    return ((p[0] & 0xff) << 8) | (p[1] & 0xff);
  }

  @Test
  void fourWorkersPrepareInQueueOrderAndRunInParallel() throws Exception {
    // GIVEN four workers whose model step takes a varying time
    int events = 400;
    List<Integer> prepared = Collections.synchronizedList(new ArrayList<>());
    var runningThreads = ConcurrentHashMap.<String>newKeySet();
    CountDownLatch done = new CountDownLatch(events);
    PipelineWorkers.BatchHandler<List<QueuedEvent>> handler =
        new PipelineWorkers.BatchHandler<>() {
          @Override
          public List<QueuedEvent> prepare(List<QueuedEvent> batch) {
            batch.forEach(e -> prepared.add(seq(e)));
            return batch;
          }

          @Override
          public void run(List<QueuedEvent> batch) {
            runningThreads.add(Thread.currentThread().getName());
            LockSupport.parkNanos((seq(batch.get(0)) % 7) * 100_000L);
            batch.forEach(e -> done.countDown());
          }
        };
    try (AgentMetrics metrics = new AgentMetrics()) {
      EventQueue queue = new EventQueue(1024, Overload.REJECT, metrics.pipeline("p"));
      PipelineWorkers<List<QueuedEvent>> workers =
          new PipelineWorkers<>("p", 4, queue, new BatchSettings(3, Duration.ZERO), handler);
      workers.start();

      // WHEN events arrive one by one
      for (int i = 0; i < events; i++) {
        queue.offer(event(i));
        if (i % 10 == 0) {
          LockSupport.parkNanos(200_000);
        }
      }

      // THEN every event is prepared exactly once, in the order it was queued
      assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < events; i++) {
        expected.add(i);
      }
      assertThat(prepared).containsExactlyElementsOf(expected);
      assertThat(runningThreads).hasSizeGreaterThan(1);
      assertThat(workers.stop(Duration.ofSeconds(5))).isTrue();
    }
  }
}
