package io.isthmus.inference;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How to load and run a model: immutable, built by {@link #builder()}, which validates every value.
 *
 * <p>{@link #providers()} is an ordered preference such as {@code [CUDA, CPU]}: an engine takes the
 * first one it can use here and logs a warning for each one it skips. When none of them is usable,
 * a model loads on CPU with a logged warning if {@link #fallbackToCpu()} is true (the default), and
 * fails with {@link InferenceException.Code#PROVIDER_UNAVAILABLE} otherwise. The same policy covers
 * a {@linkplain #tfliteDelegate() TFLite external delegate} that cannot be loaded or applied.
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
  private final List<ExecutionProvider> providers;
  private final GraphOptimization optimization;
  private final boolean fallbackToCpu;
  private final ExternalDelegate tfliteDelegate;

  private ModelOptions(Builder b) {
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.providers = b.providers;
    this.optimization = b.optimization;
    this.fallbackToCpu = b.fallbackToCpu;
    this.tfliteDelegate = b.tfliteDelegate;
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
        .providers(providers)
        .optimization(optimization)
        .fallbackToCpu(fallbackToCpu)
        .tfliteDelegate(tfliteDelegate);
  }

  /** Threads one operator may use (TFLite: the interpreter's thread count). */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** Threads that may run independent operators in parallel (ONNX Runtime only). */
  public int interOpThreads() {
    return interOpThreads;
  }

  /** The most preferred provider: the first of {@link #providers()}. */
  public ExecutionProvider provider() {
    return providers.get(0);
  }

  /** The providers to try, most preferred first; never empty, no duplicates. */
  public List<ExecutionProvider> providers() {
    return providers;
  }

  /** A TFLite external delegate to apply before XNNPACK; ignored by ONNX Runtime. */
  public Optional<ExternalDelegate> tfliteDelegate() {
    return Optional.ofNullable(tfliteDelegate);
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
        && providers.equals(other.providers)
        && optimization == other.optimization
        && fallbackToCpu == other.fallbackToCpu
        && Objects.equals(tfliteDelegate, other.tfliteDelegate);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        intraOpThreads, interOpThreads, providers, optimization, fallbackToCpu, tfliteDelegate);
  }

  @Override
  public String toString() {
    return "ModelOptions{intraOpThreads="
        + intraOpThreads
        + ", interOpThreads="
        + interOpThreads
        + ", provider="
        + provider()
        + ", providers="
        + providers
        + ", optimization="
        + optimization
        + ", fallbackToCpu="
        + fallbackToCpu
        + (tfliteDelegate == null ? "" : ", tfliteDelegate=" + tfliteDelegate)
        + "}";
  }

  /** Validating builder; each setter throws {@link IllegalArgumentException} naming the value. */
  public static final class Builder {
    private int intraOpThreads = DEFAULT_INTRA_OP_THREADS;
    private int interOpThreads = DEFAULT_INTER_OP_THREADS;
    private List<ExecutionProvider> providers = List.of(DEFAULT_PROVIDER);
    private GraphOptimization optimization = DEFAULT_OPTIMIZATION;
    private boolean fallbackToCpu = true;
    private ExternalDelegate tfliteDelegate;

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

    /** A single provider; the same as {@code providers(List.of(provider))}. */
    public Builder provider(ExecutionProvider provider) {
      this.providers = List.of(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /**
     * The providers to try, most preferred first, for example {@code [XNNPACK, CPU]}.
     *
     * @throws IllegalArgumentException when the list is empty or names a provider twice
     */
    public Builder providers(List<ExecutionProvider> providers) {
      Objects.requireNonNull(providers, "providers");
      if (providers.isEmpty()) {
        throw new IllegalArgumentException("providers must name at least one provider, was []");
      }
      if (providers.stream().distinct().count() != providers.size()) {
        throw new IllegalArgumentException(
            "providers must not name a provider twice, was " + providers);
      }
      providers.forEach(p -> Objects.requireNonNull(p, "providers contains null"));
      this.providers = List.copyOf(providers);
      return this;
    }

    /** A TFLite external delegate, or null for none. */
    public Builder tfliteDelegate(ExternalDelegate delegate) {
      this.tfliteDelegate = delegate;
      return this;
    }

    public Builder optimization(GraphOptimization optimization) {
      this.optimization = Objects.requireNonNull(optimization, "optimization");
      return this;
    }

    /**
     * Whether a missing provider or delegate falls back to CPU (with a logged warning) rather than
     * failing with {@link InferenceException.Code#PROVIDER_UNAVAILABLE}.
     */
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
