package io.isthmus.protocol.units;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "250us, 250000",
    "500ms, 500000000",
    "0ms, 0",
    "30s, 30000000000",
    "0.5s, 500000000",
    "1.25ms, 1250000",
    "2m, 120000000000",
    "1h, 3600000000000",
    "1.5h, 5400000000000",
    "40MS, 40000000",
    "' 5s ', 5000000000",
    "5 s, 5000000000",
    "PT30S, 30000000000",
    "pt1m, 60000000000",
    "PT0.25S, 250000000",
  })
  void readsEveryUnitAndIso(String text, long nanos) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofNanos(nanos));
    assertThat(Durations.parse(text, ChronoUnit.SECONDS)).isEqualTo(Duration.ofNanos(nanos));
  }

  @ParameterizedTest
  @CsvSource({"30, SECONDS, 30000", "2.5, SECONDS, 2500", "40, MILLIS, 40", "0, SECONDS, 0"})
  void readsABareNumberInTheUnitTheCallerNames(String text, ChronoUnit unit, long millis) {
    assertThat(Durations.parse(text, unit)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", " ", "5", "s", "5sec", "5d", "-5s", "+5s", "1e3ms", ".5s", "PT-5S", "P", "PTXS", "abc"
      })
  void rejectsAnythingElseNamingTheTextAndTheForms(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "'"
                + text
                + "' is not a duration: expected a non-negative number and one of the units us, ms,"
                + " s, m, h, e.g. 500ms, 30s, 2m, 1h, or ISO-8601 such as PT30S");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-30", "30x", "1.", "30 x"})
  void rejectsWhatIsNotANumberEvenWhereABareNumberCounts(String text) {
    assertThatThrownBy(() -> Durations.parse(text, ChronoUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("'" + text + "' is not a duration")
        .hasMessageContaining("(a number alone counts seconds)");
  }

  @Test
  void rejectsNullAndWhatOverflows() {
    assertThatThrownBy(() -> Durations.parse(null))
        .hasMessageStartingWith("'null' is not a duration: expected");
    assertThatThrownBy(() -> Durations.parse("99999999999h"))
        .hasMessageStartingWith("'99999999999h' is not a duration (too long): expected");
  }
}
