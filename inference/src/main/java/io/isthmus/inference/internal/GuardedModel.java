package io.isthmus.inference.internal;

import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The lifecycle every backend's {@link LoadedModel} shares: runs hold a read lock so that {@link
 * #close()} (the write lock) never frees native memory under a running call, every call after close
 * throws {@link IllegalStateException}, and inputs are validated against the signature before a
 * backend sees them. Not API: backends extend it.
 */
public abstract class GuardedModel implements LoadedModel {
  /** For subclasses, under the read lock of a run: no need to lock again. */
  protected final ModelSignature signature;

  private final ExecutionProvider provider;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  protected GuardedModel(ModelSignature signature, ExecutionProvider provider) {
    this.signature = signature;
    this.provider = provider;
  }

  /** Runs validated inputs on the open model; called under the read lock. */
  protected abstract Outputs runOpen(Map<String, Tensor> inputs) throws InferenceException;

  /** Frees the native resources; called once, under the write lock, after no run is in progress. */
  protected abstract void release();

  @Override
  public final ModelSignature signature() {
    lock.readLock().lock();
    try {
      ensureOpen();
      return signature;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public final ExecutionProvider provider() {
    lock.readLock().lock();
    try {
      ensureOpen();
      return provider;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public final Outputs run(Map<String, Tensor> inputs) throws InferenceException {
    lock.readLock().lock();
    try {
      ensureOpen();
      signature.validate(inputs);
      return runOpen(inputs);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public final void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      release();
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Model is closed");
    }
  }
}
