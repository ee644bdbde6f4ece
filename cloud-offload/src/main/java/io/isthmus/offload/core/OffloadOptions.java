package io.isthmus.offload.core;

import io.isthmus.inference.ExecutionProvider;
import io.isthmus.offload.batch.BatchingOptions;
import io.isthmus.offload.model.ModelSource;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the function serves and how, validated on construction.
 *
 * @param models the model versions to load and warm before the function is ready
 * @param provider the execution provider to ask for (CPU when it is missing)
 * @param intraOpThreads threads one model run may use
 * @param batching how requests are batched
 * @param maxConcurrency requests per model (queued or running) above which it answers 429
 * @param maxBodyBytes the largest request body; larger ones get 413
 * @param memoryBudgetBytes model bytes kept loaded; idle models are unloaded beyond it
 * @param cacheDir the content-addressed disk cache of model files
 */
public record OffloadOptions(
    List<ModelSource> models,
    ExecutionProvider provider,
    int intraOpThreads,
    BatchingOptions batching,
    int maxConcurrency,
    int maxBodyBytes,
    long memoryBudgetBytes,
    Path cacheDir) {
  public static final int DEFAULT_MAX_CONCURRENCY = 128;
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
  public static final long DEFAULT_MEMORY_BUDGET_BYTES = 1024L * 1024 * 1024;

  /**
   * @throws IllegalArgumentException naming the bad value: no models, a version given twice, or a
   *     number out of range
   */
  public OffloadOptions {
    models = List.copyOf(Objects.requireNonNull(models, "models"));
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(batching, "batching");
    Objects.requireNonNull(cacheDir, "cacheDir");
    if (models.isEmpty()) {
      throw new IllegalArgumentException(
          "No model to serve: give at least one NAME[@VERSION]=PATH|URL[#sha256=HEX]");
    }
    Set<String> seen = new HashSet<>();
    for (ModelSource model : models) {
      if (!seen.add(model.name() + "@" + model.version())) {
        throw new IllegalArgumentException(
            "Model " + model.name() + " version " + model.version() + " is given twice");
      }
    }
    if (intraOpThreads < 1 || intraOpThreads > 256) {
      throw new IllegalArgumentException(
          "intraOpThreads must be between 1 and 256, was " + intraOpThreads);
    }
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("maxConcurrency must be positive, was " + maxConcurrency);
    }
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive, was " + maxBodyBytes);
    }
    if (memoryBudgetBytes < 1) {
      throw new IllegalArgumentException(
          "memoryBudgetBytes must be positive, was " + memoryBudgetBytes);
    }
  }

  /** Options with defaults for everything but the models and the cache folder. */
  public static OffloadOptions of(List<ModelSource> models, Path cacheDir) {
    return new OffloadOptions(
        models,
        ExecutionProvider.CPU,
        1,
        BatchingOptions.defaults(),
        DEFAULT_MAX_CONCURRENCY,
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_MEMORY_BUDGET_BYTES,
        cacheDir);
  }

  /** These options with other batching. */
  public OffloadOptions withBatching(BatchingOptions newBatching) {
    return new OffloadOptions(
        models,
        provider,
        intraOpThreads,
        newBatching,
        maxConcurrency,
        maxBodyBytes,
        memoryBudgetBytes,
        cacheDir);
  }

  /** These options with another concurrency limit. */
  public OffloadOptions withMaxConcurrency(int limit) {
    return new OffloadOptions(
        models,
        provider,
        intraOpThreads,
        batching,
        limit,
        maxBodyBytes,
        memoryBudgetBytes,
        cacheDir);
  }

  /** These options with another body limit. */
  public OffloadOptions withMaxBodyBytes(int limit) {
    return new OffloadOptions(
        models,
        provider,
        intraOpThreads,
        batching,
        maxConcurrency,
        limit,
        memoryBudgetBytes,
        cacheDir);
  }
}
