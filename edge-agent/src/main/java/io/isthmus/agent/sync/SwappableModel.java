package io.isthmus.agent.sync;

import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.ModelSignature;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import java.util.Map;

/**
 * A pipeline's model that sync can replace while events run. {@link #swap} publishes the new model
 * to the next run and then closes the old one, which waits for the runs already inside it (the
 * engine's read/write lock); a run that picked the old model just as it closed sees {@code
 * IllegalStateException} before anything ran and is retried on the new one. So every event runs
 * exactly once, on one of the two.
 *
 * <p>While a {@link RunWindow} is attached, each run's outcome and time are recorded in it for the
 * rollback decision.
 */
final class SwappableModel implements LoadedModel {
  private record Serving(LoadedModel model, String version, RunWindow window) {}

  private volatile Serving current;
  private volatile boolean closed;

  SwappableModel(LoadedModel model, String version) {
    this.current = new Serving(model, version, null);
  }

  @Override
  public Outputs run(Map<String, Tensor> inputs) throws InferenceException {
    while (true) {
      Serving s = current;
      RunWindow window = s.window();
      long start = window == null ? 0 : System.nanoTime();
      try {
        Outputs outputs = s.model().run(inputs);
        if (window != null) {
          window.record(true, System.nanoTime() - start);
        }
        return outputs;
      } catch (IllegalStateException e) {
        if (closed || current == s) {
          throw e;
        }
        // swapped under us before the run started: run on the new model
      } catch (InferenceException | RuntimeException e) {
        if (window != null) {
          window.record(false, System.nanoTime() - start);
        }
        throw e;
      }
    }
  }

  /**
   * Serves {@code next} from the next run on and closes the old model once the runs inside it
   * finish (blocks until then).
   *
   * @param window where runs of {@code next} are recorded; null for none
   */
  void swap(LoadedModel next, String version, RunWindow window) {
    if (closed) {
      next.close(); // the pipeline stopped meanwhile
      return;
    }
    Serving old = current;
    current = new Serving(next, version, window);
    old.model().close();
  }

  /** Stops recording runs of the current model (its watch window has passed). */
  void stopWatching() {
    Serving s = current;
    current = new Serving(s.model(), s.version(), null);
  }

  /** The version serving now. */
  String version() {
    return current.version();
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
