package io.isthmus.offload.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code offload}: the cloud inference function. {@code offload serve} runs the Open Inference
 * Protocol v2 server; {@code offload simulate} replays arrival traces against scaling policies.
 */
@Command(
    name = "offload",
    mixinStandardHelpOptions = true,
    version = "isthmus offload 0.1.0",
    description = "The serverless inference function and its scaling simulator.",
    subcommands = {CommandLine.HelpCommand.class})
public final class OffloadCommand implements Runnable {
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
    return new CommandLine(new OffloadCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }
}
