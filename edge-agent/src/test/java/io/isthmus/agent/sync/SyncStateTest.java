package io.isthmus.agent.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.agent.sync.SyncState.Installed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncStateTest {
  @TempDir Path dir;

  private static Installed version(String v) {
    return new Installed("m@" + v + "#", "m", v, "d" + v, "ONNX", List.of("d" + v, "manifest" + v));
  }

  @Test
  void activationsKeepTheNewestVersionsAndSurviveARestart() throws Exception {
    // GIVEN a state keeping 2 versions
    Path file = dir.resolve("state.json");
    SyncState state = SyncState.load(file);

    // WHEN three versions are activated in turn, and one refused
    assertThat(state.activate("p", version("1"), 2)).isEmpty();
    assertThat(state.activate("p", version("2"), 2)).isEmpty();
    List<Installed> dropped = state.activate("p", version("3"), 2);
    state.refuse("q", "x@9#", "unknown_key: not trusted");
    state.observed(7);

    // THEN the oldest is dropped, and a fresh load sees the same state
    assertThat(dropped).extracting(Installed::version).containsExactly("1");
    SyncState reloaded = SyncState.load(file);
    assertThat(reloaded.observedGeneration()).isEqualTo(7);
    assertThat(reloaded.pipeline("p").activeVersion().map(Installed::version)).contains("3");
    assertThat(reloaded.pipeline("p").installed())
        .extracting(Installed::version)
        .containsExactly("3", "2");
    assertThat(reloaded.pipeline("q").refused()).containsEntry("x@9#", "unknown_key: not trusted");
    assertThat(reloaded.referencedDigests())
        .containsExactlyInAnyOrder("d3", "manifest3", "d2", "manifest2");
    assertThat(Files.list(dir)).containsExactly(file);
  }

  @Test
  void aRollbackReactivatesThePreviousVersionOrTheConfiguredModel() throws Exception {
    SyncState state = SyncState.load(dir.resolve("state.json"));
    state.activate("p", version("1"), 3);
    state.activate("p", version("2"), 3);

    state.refuse("p", "m@2#", "error_rate: too many");
    state.reactivate("p", Optional.of("m@1#"));
    assertThat(state.pipeline("p").activeVersion().map(Installed::version)).contains("1");
    assertThat(state.pipeline("p").installed()).extracting(Installed::version).containsExactly("1");

    state.reactivate("p", Optional.empty());
    assertThat(SyncState.load(dir.resolve("state.json")).pipeline("p").active()).isEmpty();
  }
}
