package io.isthmus.inference;

import java.util.Objects;

/**
 * How to load and run a model: immutable, built by {@link #builder()}, which validates every value.
 *
 * <p>If the {@linkplain #provider() provider} is missing on this machine, a model loads on CPU with
 * a logged warning when {@link #fallbackToCpu()} is true (the default) and fails with {@link
 * InferenceException.Code#PROVIDER_UNAVAILABLE} otherwise.
 */
public final class ModelOptions {
  public static final int DEFAULT_INTRA_OP_THREADS = 1;
  public static final int DEFAULT_INTER_OP_THREADS = 1;
  public static final ExecutionProvider DEFAULT_PROVIDER = ExecutionProvider.CPU;
  public static final GraphOptimization DEFAULT_OPTIMIZATION = GraphOptimization.ALL;
  public static final int MAX_THREADS = 256;

  private static final ModelOptions DEFAULTS = builder().build();

  private final int intraOpThreads;
  private final int interOpThreads;
  private final ExecutionProvider provider;
  private final GraphOptimization optimization;
  private final boolean fallbackToCpu;

  private ModelOptions(Builder b) {
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.provider = b.provider;
    this.optimization = b.optimization;
    this.fallbackToCpu = b.fallbackToCpu;
  }

  /** One thread, CPU, full graph optimisation, fall back to CPU. */
  public static ModelOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder()
        .intraOpThreads(intraOpThreads)
        .interOpThreads(interOpThreads)
        .provider(provider)
        .optimization(optimization)
        .fallbackToCpu(fallbackToCpu);
  }

  /** Threads one operator may use (TFLite: the interpreter's thread count). */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** Threads that may run independent operators in parallel (ONNX Runtime only). */
  public int interOpThreads() {
    return interOpThreads;
  }

  public ExecutionProvider provider() {
    return provider;
  }

  public GraphOptimization optimization() {
    return optimization;
  }

  public boolean fallbackToCpu() {
    return fallbackToCpu;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelOptions other
        && intraOpThreads == other.intraOpThreads
        && interOpThreads == other.interOpThreads
        && provider == other.provider
        && optimization == other.optimization
        && fallbackToCpu == other.fallbackToCpu;
  }

  @Override
  public int hashCode() {
    return Objects.hash(intraOpThreads, interOpThreads, provider, optimization, fallbackToCpu);
  }

  @Override
  public String toString() {
    return "ModelOptions{intraOpThreads="
        + intraOpThreads
        + ", interOpThreads="
        + interOpThreads
        + ", provider="
        + provider
        + ", optimization="
        + optimization
        + ", fallbackToCpu="
        + fallbackToCpu
        + "}";
  }

  /** Validating builder; each setter throws {@link IllegalArgumentException} naming the value. */
  public static final class Builder {
    private int intraOpThreads = DEFAULT_INTRA_OP_THREADS;
    private int interOpThreads = DEFAULT_INTER_OP_THREADS;
    private ExecutionProvider provider = DEFAULT_PROVIDER;
    private GraphOptimization optimization = DEFAULT_OPTIMIZATION;
    private boolean fallbackToCpu = true;

    private Builder() {}

    /** 1 to {@value ModelOptions#MAX_THREADS}. */
    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = checkThreads("intraOpThreads", threads);
      return this;
    }

    /** 1 to {@value ModelOptions#MAX_THREADS}. */
    public Builder interOpThreads(int threads) {
      this.interOpThreads = checkThreads("interOpThreads", threads);
      return this;
    }

    public Builder provider(ExecutionProvider provider) {
      this.provider = Objects.requireNonNull(provider, "provider");
      return this;
    }

    public Builder optimization(GraphOptimization optimization) {
      this.optimization = Objects.requireNonNull(optimization, "optimization");
      return this;
    }

    /** Whether a missing provider falls back to CPU (with a warning) rather than failing. */
    public Builder fallbackToCpu(boolean fallbackToCpu) {
      this.fallbackToCpu = fallbackToCpu;
      return this;
    }

    public ModelOptions build() {
      return new ModelOptions(this);
    }

    private static int checkThreads(String name, int threads) {
      if (threads < 1 || threads > MAX_THREADS) {
        throw new IllegalArgumentException(
            name + " must be between 1 and " + MAX_THREADS + ", was " + threads);
      }
      return threads;
    }
  }
}
