package io.isthmus.offload.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArrivalTraceTest {
  @TempDir Path dir;

  @Test
  void readsTheFirstColumnSkippingHeaderCommentsAndBlankLinesAndSorts() throws IOException {
    Path csv = dir.resolve("trace.csv");
    Files.writeString(csv, "timestamp,model\n# replayed\n1.5,a\n\n0.25,b\n7,c\n");

    ArrivalTrace trace = ArrivalTrace.fromCsv(csv, 0);

    assertThat(trace.size()).isEqualTo(3);
    assertThat(new double[] {trace.arrival(0), trace.arrival(1), trace.arrival(2)})
        .containsExactly(0.25, 1.5, 7.0);
    assertThat(trace.durationSeconds()).isEqualTo(8.0); // one second after the last arrival
  }

  @Test
  void aBadValueNamesTheFileLineAndWhatWasExpected() throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "0.5\n1.0\nsoon\n");

    assertThatThrownBy(() -> ArrivalTrace.fromCsv(csv, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 3")
        .hasMessageContaining("'soon'")
        .hasMessageContaining("expected seconds since the start of the trace");
  }

  @Test
  void anArrivalAfterTheGivenDurationIsRejected() throws IOException {
    Path csv = dir.resolve("long.csv");
    Files.writeString(csv, "1\n90\n");

    assertThatThrownBy(() -> ArrivalTrace.fromCsv(csv, 60))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("90.0 s");
  }

  @Test
  void outOfOrderArrivalsAreRejected() {
    assertThatThrownBy(() -> ArrivalTrace.of(10, 1, 3, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("arrival 2");
  }
}
