package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AgentMainTest {
  private final AgentMain main = new AgentMain();

  @Test
  void drainTakesTheSharedDurationFormsAndBareSeconds() {
    CommandLine cli = new CommandLine(main);
    cli.parseArgs("--config", "agent.yaml", "--drain", "500ms");
    assertThat(main.drain).isEqualTo(Duration.ofMillis(500));
    cli.parseArgs("--config", "agent.yaml", "--drain", "1.5s");
    assertThat(main.drain).isEqualTo(Duration.ofMillis(1500));
    cli.parseArgs("--config", "agent.yaml", "--drain", "2");
    assertThat(main.drain).isEqualTo(Duration.ofSeconds(2));
    cli.parseArgs("--config", "agent.yaml");
    assertThat(main.drain).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aBadDrainNamesTheValueAndTheForms() {
    assertThatThrownBy(
            () -> new CommandLine(main).parseArgs("--config", "agent.yaml", "--drain", "soon"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'soon' is not a duration: expected a non-negative number");
  }
}
