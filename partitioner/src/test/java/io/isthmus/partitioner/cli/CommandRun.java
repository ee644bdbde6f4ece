package io.isthmus.partitioner.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One command-line run's exit code and output. */
record CommandRun(int exitCode, String out, String err) {
  static CommandRun of(Object command, String... args) {
    return run(new CommandLine(command), args);
  }

  /** A run of {@code partition ARGS}, with the exit codes of its {@code PartitionException}s. */
  static CommandRun partition(String... args) {
    return run(PartitionCommand.commandLine(), args);
  }

  /** A run of {@code model quantize ARGS}. */
  static CommandRun quantize(String... args) {
    return run(QuantizeCommand.commandLine(), args);
  }

  private static CommandRun run(CommandLine line, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    line.setOut(new PrintWriter(out));
    line.setErr(new PrintWriter(err));
    int code = line.execute(args);
    return new CommandRun(code, out.toString(), err.toString());
  }
}
