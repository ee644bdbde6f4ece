package io.isthmus.inference.tflite;

import io.isthmus.inference.ExternalDelegate;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.ModelOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.lite.Interpreter;

/**
 * Creates a model's interpreters, each with its own instance of the configured external delegate (a
 * delegate instance belongs to one interpreter), and destroys those delegates on {@link #close()},
 * which must come after the interpreters are closed.
 *
 * <p>When the delegate cannot be loaded, created or applied, this fails with PROVIDER_UNAVAILABLE,
 * or, if {@link ModelOptions#fallbackToCpu()}, logs a warning once and goes on without it.
 */
final class TfLiteInterpreters implements TfLiteLoadedModel.InterpreterFactory {
  private static final Logger LOG = LoggerFactory.getLogger(TfLiteInterpreters.class);

  private final ModelOptions options;
  private final String origin;
  private final List<TfLiteExternalDelegate> delegates = new ArrayList<>();
  private volatile boolean delegateFailed;

  TfLiteInterpreters(ModelOptions options, String origin) {
    this.options = options;
    this.origin = origin;
  }

  /** Whether the delegate is configured and applied to the interpreters made so far. */
  boolean delegated() {
    return options.tfliteDelegate().isPresent() && !delegateFailed;
  }

  @Override
  public Interpreter create(ByteBuffer model) throws InferenceException {
    if (!delegated()) {
      return TfLiteEngine.interpreter(model, options, origin, null);
    }
    ExternalDelegate config = options.tfliteDelegate().orElseThrow();
    TfLiteExternalDelegate delegate = null;
    try {
      delegate = TfLiteExternalDelegate.create(config);
      Interpreter interpreter = TfLiteEngine.interpreter(model, options, origin, delegate);
      synchronized (delegates) {
        delegates.add(delegate);
      }
      return interpreter;
    } catch (InferenceException e) {
      if (delegate != null) {
        delegate.close();
      }
      if (e.code() != InferenceException.Code.PROVIDER_UNAVAILABLE || !options.fallbackToCpu()) {
        throw e;
      }
      delegateFailed = true;
      LOG.warn(
          "model={} delegate={} unavailable ({}); running on CPU with XNNPACK instead. Set"
              + " fallbackToCpu=false to fail instead.",
          origin,
          config.library(),
          e.getMessage());
      return TfLiteEngine.interpreter(model, options, origin, null);
    }
  }

  @Override
  public void close() {
    synchronized (delegates) {
      delegates.forEach(TfLiteExternalDelegate::close);
      delegates.clear();
    }
  }
}
