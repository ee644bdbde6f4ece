package io.isthmus.partitioner.cli;

import io.isthmus.partitioner.PartitionException;
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
    subcommands = {
      InspectCommand.class,
      ProfileCommand.class,
      PlanCommand.class,
      CutsCommand.class,
      SplitCommand.class,
      VerifyCommand.class,
      CommandLine.HelpCommand.class
    })
public final class PartitionCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /**
   * Runs the command line and returns the exit code: 0 ok, 1 failed, 2 bad usage, 3 verify found a
   * difference, and for a {@link PartitionException} its {@link PartitionException.Code#exitCode()}
   * (10 not ONNX, 11 unsupported opset, 12 cut does not separate, 13 cut inside a subgraph, 14
   * unknown tensor, 15 bad input file, 16 ONNX Runtime failed, 17 I/O failed).
   */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /** The configured command line. */
  public static CommandLine commandLine() {
    return new CommandLine(new PartitionCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(PartitionCommand::handle);
  }

  /** Prints a {@link PartitionException}'s message (it says what to do) and returns its code. */
  private static int handle(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) throws Exception {
    if (e instanceof PartitionException problem) {
      commandLine.getErr().println("error: " + problem.getMessage());
      return problem.code().exitCode();
    }
    throw e;
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
