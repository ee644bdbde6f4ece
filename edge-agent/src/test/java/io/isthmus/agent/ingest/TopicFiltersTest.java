package io.isthmus.agent.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(10)
class TopicFiltersTest {

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
    "sensors/dev1/temp, sensors/dev1/temp, true",
    "sensors/dev1/temp, sensors/dev1/hum, false",
    "sensors/dev1/temp, sensors/dev1, false",
    "sensors/dev1, sensors/dev1/temp, false",
    "sensors/+/temp, sensors/dev1/temp, true",
    "sensors/+/temp, sensors/dev1/hum, false",
    "sensors/+/temp, sensors/dev1/x/temp, false",
    "sensors/+, sensors/, true",
    "sensors/+, sensors, false",
    "+/+, a/b, true",
    "+, a, true",
    "+, a/b, false",
    "sensors/#, sensors/dev1/temp, true",
    "sensors/#, sensors, true",
    "sensors/#, sensorsx, false",
    "sensors/+/#, sensors/dev1, true",
    "sensors/+/#, sensors/dev1/a/b/c, true",
    "#, a/b/c, true",
    "#, $SYS/broker/uptime, false",
    "+/broker/uptime, $SYS/broker/uptime, false",
    "$SYS/#, $SYS/broker/uptime, true",
    "a//b, a//b, true",
    "a/+/b, a//b, true",
    "/a, /a, true",
    "+/a, /a, true",
    "A/b, a/b, false",
  })
  void matchesLikeMqtt(String filter, String topic, boolean expected) {
    assertThat(TopicFilters.matches(filter, topic)).isEqualTo(expected);
  }

  @Test
  void rejectsMisplacedWildcards() {
    assertThatThrownBy(() -> TopicFilters.checkFilter("a/#/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a/#/b")
        .hasMessageContaining("'#' must be a whole level and the last");
    assertThatThrownBy(() -> TopicFilters.checkFilter("a/b#"))
        .hasMessageContaining("'#' must be a whole level");
    assertThatThrownBy(() -> TopicFilters.checkFilter("a/b+/c"))
        .hasMessageContaining("'+' must be a whole level");
    assertThatThrownBy(() -> TopicFilters.checkFilter("")).hasMessageContaining("empty");
    assertThat(TopicFilters.checkFilter("a/+/#")).isEqualTo("a/+/#");
  }

  @Test
  void rejectsWildcardsInTopics() {
    assertThatThrownBy(() -> TopicFilters.checkTopic("a/+"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic 'a/+' is not valid");
    assertThat(TopicFilters.checkTopic("a/b")).isEqualTo("a/b");
  }
}
