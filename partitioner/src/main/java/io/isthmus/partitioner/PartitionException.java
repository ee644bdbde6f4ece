package io.isthmus.partitioner;

/**
 * A model, cut or input the partitioner cannot work with. The {@link Code} says which kind of
 * problem it is and gives the command line its exit code; the message names the bad value and what
 * to do about it.
 */
public final class PartitionException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The kinds of problem, each with its own process exit code. */
  public enum Code {
    /** The file is not an ONNX model (not a ModelProto, or one without a graph). */
    NOT_ONNX(10),
    /** The model imports an operator set this partitioner does not support. */
    UNSUPPORTED_OPSET(11),
    /** The cut leaves a path from the head to the tail that does not go through the cut. */
    CUT_NOT_SEPARATING(12),
    /** The cut names a tensor that lives inside an If/Loop/Scan subgraph. */
    CUT_IN_SUBGRAPH(13),
    /** The cut names a tensor the graph does not have. */
    UNKNOWN_TENSOR(14),
    /** An input file given for verification cannot be read or does not fit the model's input. */
    BAD_INPUT(15),
    /** ONNX Runtime failed to load or run a model. */
    RUNTIME_FAILED(16),
    /** A file could not be read or written. */
    IO_FAILED(17);

    private final int exitCode;

    Code(int exitCode) {
      this.exitCode = exitCode;
    }

    /** The process exit code the command line returns for this problem. */
    public int exitCode() {
      return exitCode;
    }
  }

  private final Code code;

  public PartitionException(Code code, String message) {
    super(message);
    this.code = code;
  }

  public PartitionException(Code code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  public Code code() {
    return code;
  }
}
