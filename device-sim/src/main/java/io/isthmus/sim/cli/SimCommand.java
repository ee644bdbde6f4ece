package io.isthmus.sim.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sim}: the device simulator's command line. {@code sim run ...} drives a load against a
 * broker and reports; {@code sim gateways ...} simulates a fleet of gateways following desired
 * states; {@code sim fit-model --out FILE} writes the demo's vibration anomaly model.
 */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    version = "isthmus sim 0.1.0",
    description = "Simulated sensor devices and the end-to-end load generator.",
    subcommands = {
      RunCommand.class,
      GatewaysCommand.class,
      FitModelCommand.class,
      CommandLine.HelpCommand.class
    })
public final class SimCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing subcommand: run, gateways or fit-model");
  }

  /** Runs the command line and returns the exit code (0 ok, 1 run failed, 2 bad usage). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line (enum values such as {@code --profile audio} in any case). */
  public static CommandLine commandLine() {
    return new CommandLine(new SimCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
