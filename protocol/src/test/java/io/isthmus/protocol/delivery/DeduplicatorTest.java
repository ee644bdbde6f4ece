package io.isthmus.protocol.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeduplicatorTest {
  private final Deduplicator dedup = new Deduplicator(128);

  @Test
  void aRedeliveredRecordIsSeenOnlyOnce() {
    assertThat(dedup.firstSeen(key("a", 1))).isTrue();
    assertThat(dedup.firstSeen(key("a", 2))).isTrue();
    assertThat(dedup.firstSeen(key("a", 1))).isFalse();
    assertThat(dedup.firstSeen(key("a", 2))).isFalse();
    assertThat(dedup.firstSeen(key("a", 3))).isTrue();
    assertThat(dedup.highWaterMark("a")).isEqualTo(3);
  }

  @Test
  void gatewaysAreIndependent() {
    assertThat(dedup.firstSeen(key("a", 5))).isTrue();
    assertThat(dedup.firstSeen(key("b", 5))).isTrue();
    assertThat(dedup.highWaterMark("c")).isZero();
  }

  @Test
  void reorderedRecordsWithinTheWindowAreEachAcceptedOnce() {
    assertThat(dedup.firstSeen(key("a", 10))).isTrue();
    assertThat(dedup.firstSeen(key("a", 7))).isTrue();
    assertThat(dedup.firstSeen(key("a", 7))).isFalse();
    assertThat(dedup.firstSeen(key("a", 9))).isTrue();
    assertThat(dedup.firstSeen(key("a", 10))).isFalse();
  }

  @Test
  void aJumpAheadForgetsTheSlotsItPassesAndOldSequencesCountAsSeen() {
    assertThat(dedup.firstSeen(key("a", 1))).isTrue();
    assertThat(dedup.firstSeen(key("a", 129))).isTrue(); // slot of 1 is reused for 129
    assertThat(dedup.firstSeen(key("a", 100))).isTrue(); // inside the window, never seen
    assertThat(dedup.firstSeen(key("a", 1))).isFalse(); // older than the window
    assertThat(dedup.firstSeen(key("a", 1000))).isTrue();
    assertThat(dedup.firstSeen(key("a", 999))).isTrue(); // cleared by the jump, so new
    assertThat(dedup.firstSeen(key("a", 872))).isFalse(); // 1000 - 128: just out of the window
    assertThat(dedup.firstSeen(key("a", 873))).isTrue();
  }

  @Test
  void restoreTreatsEverythingUpToTheMarkAsSeen() {
    dedup.restore("a", 500);
    assertThat(dedup.firstSeen(key("a", 500))).isFalse();
    assertThat(dedup.firstSeen(key("a", 450))).isFalse();
    assertThat(dedup.firstSeen(key("a", 501))).isTrue();
  }

  @Test
  void windowMustBeAMultipleOf64() {
    assertThatThrownBy(() -> new Deduplicator(100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 100");
  }

  @Test
  void keysRoundTripThroughTheirText() {
    IdempotencyKey key = key("gw-7", 42);
    assertThat(key.toString()).isEqualTo("gw-7:42");
    assertThat(IdempotencyKey.parse("gw-7:42")).isEqualTo(key);
    assertThatThrownBy(() -> IdempotencyKey.parse("gw-7"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected gatewayId:sequence");
  }

  private static IdempotencyKey key(String gateway, long sequence) {
    return new IdempotencyKey(gateway, sequence);
  }
}
