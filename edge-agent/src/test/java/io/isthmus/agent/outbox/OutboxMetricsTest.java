package io.isthmus.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxMetricsTest {
  @TempDir Path dir;

  @Test
  void metersFollowAppendsAcknowledgementsAndDrops() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now.get();
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    OutboxOptions options =
        OutboxOptions.builder(dir, "gw-9")
            .segmentBytes(4096)
            .maxBytes(8192)
            .fullPolicy(FullPolicy.DROP_OLDEST)
            .clock(clock)
            .build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Outbox outbox = Outbox.open(options)) {
      new OutboxMetrics(outbox).bindTo(registry);
      outbox.append(new byte[1000]);
      now.set(now.get().plus(Duration.ofSeconds(30)));
      outbox.append(new byte[1000]);
      now.set(now.get().plus(Duration.ofSeconds(15)));

      assertThat(gauge(registry, "isthmus.outbox.depth")).isEqualTo(2);
      assertThat(gauge(registry, "isthmus.outbox.oldest.age")).isEqualTo(45);
      assertThat(gauge(registry, "isthmus.outbox.bytes")).isEqualTo(8 + 2 * 1024);

      outbox.ack(1);
      assertThat(gauge(registry, "isthmus.outbox.oldest.age")).isEqualTo(15);
      assertThat(counter(registry, "isthmus.outbox.delivered")).isEqualTo(1);

      for (int i = 0; i < 10; i++) {
        outbox.append(new byte[1000]);
      }
      assertThat(counter(registry, "isthmus.outbox.appended")).isEqualTo(12);
      assertThat(counter(registry, "isthmus.outbox.dropped"))
          .isEqualTo(outbox.stats().dropped())
          .isPositive();
      assertThat(counter(registry, "isthmus.outbox.rejected")).isZero();
      assertThat(registry.get("isthmus.outbox.depth").gauge().getId().getTag("gateway"))
          .isEqualTo("gw-9");
    }
  }

  private static double gauge(SimpleMeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  private static double counter(SimpleMeterRegistry registry, String name) {
    return registry.get(name).functionCounter().count();
  }
}
