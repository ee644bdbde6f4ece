package io.isthmus.agent.sync;

import io.isthmus.agent.model.VersionedModel;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Tensor;
import java.util.Map;

/**
 * A pipeline's model that sync can replace while events run. {@link #swap} publishes the new model
 * to the next run and then closes the old one, which waits for the runs already inside it (the
 * engine's read/write lock); a run that picked the old model just as it closed sees {@code
 * IllegalStateException} before anything ran and is retried on the new one. So every event runs
 * exactly once, on one of the two, and {@link #runVersioned} names the one it ran on.
 *
 * <p>Each version's runs (outcome and time) are recorded in its own {@link RunWindow}, started
 * afresh at every swap: the reported run figures and the rollback decision read it.
 */
final class SwappableModel implements VersionedModel {
  private record Serving(LoadedModel model, String version, RunWindow runs) {}

  private volatile Serving current;
  private volatile boolean closed;

  SwappableModel(LoadedModel model, String version) {
    this.current = new Serving(model, version, new RunWindow());
  }

  @Override
  public Served runVersioned(Map<String, Tensor> inputs) throws InferenceException {
    while (true) {
      Serving s = current;
      long start = System.nanoTime();
      try {
        Served served = new Served(s.model().run(inputs), s.version());
        s.runs().record(true, System.nanoTime() - start);
        return served;
      } catch (IllegalStateException e) {
        if (closed || current == s) {
          throw e;
        }
        // swapped under us before the run started: run on the new model
      } catch (InferenceException | RuntimeException e) {
        s.runs().record(false, System.nanoTime() - start);
        throw e;
      }
    }
  }

  /**
   * Serves {@code next} from the next run on and closes the old model once the runs inside it
   * finish (blocks until then).
   *
   * @return the window where the runs of {@code next} are recorded
   */
  RunWindow swap(LoadedModel next, String version) {
    RunWindow runs = new RunWindow();
    if (closed) {
      next.close(); // the pipeline stopped meanwhile
      return runs;
    }
    Serving old = current;
    current = new Serving(next, version, runs);
    old.model().close();
    return runs;
  }

  /** Starts the current version's run figures afresh (after the pipeline's warm-up run). */
  void restartCounting() {
    Serving s = current;
    current = new Serving(s.model(), s.version(), new RunWindow());
  }

  /** The version serving now. */
  @Override
  public String version() {
    return current.version();
  }

  /** The runs of the version serving now, since it became active. */
  RunWindow runs() {
    return current.runs();
  }

  /** The model serving now, for checks against a candidate. */
  LoadedModel serving() {
    return current.model();
  }

  @Override
  public ModelSignature signature() {
    return current.model().signature();
  }

  @Override
  public ExecutionProvider provider() {
    return current.model().provider();
  }

  @Override
  public void close() {
    closed = true;
    current.model().close();
  }
}
