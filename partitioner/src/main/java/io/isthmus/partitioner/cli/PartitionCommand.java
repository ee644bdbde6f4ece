package io.isthmus.partitioner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code partition}: the partitioner's command line. It reads an ONNX model, profiles it on a
 * device, plans where to cut it between the gateway and the cloud, and splits and verifies it.
 */
@Command(
    name = "partition",
    mixinStandardHelpOptions = true,
    version = "isthmus partition 0.1.0",
    description = "Profile, plan and split ONNX models between the gateway and the cloud.",
    subcommands = {CommandLine.HelpCommand.class})
public final class PartitionCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /** Runs the command line and returns the exit code (0 ok, 1 failed, 2 bad usage). */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line. */
  public static CommandLine commandLine() {
    return new CommandLine(new PartitionCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
