package io.isthmus.inference.tflite;

import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.InferenceException;
import io.isthmus.inference.InferenceException.Code;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.internal.GuardedModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.tensorflow.lite.Interpreter;

/**
 * A TFLite model. An {@link Interpreter} is not thread-safe, so this keeps a pool of up to {@code
 * poolSize} interpreters over the same model bytes; a run borrows one, blocking while all are busy.
 */
final class TfLiteLoadedModel extends GuardedModel {
  private final ByteBuffer model; // TFLite reads the model in place: keep it reachable
  private final InterpreterFactory factory;
  private final int poolSize;
  private final BlockingQueue<Interpreter> idle = new LinkedBlockingQueue<>();
  private final List<Interpreter> all = new ArrayList<>();

  /** Creates the pool's interpreters and owns what they share; closed after all of them. */
  interface InterpreterFactory extends AutoCloseable {
    Interpreter create(ByteBuffer model) throws InferenceException;

    @Override
    void close();
  }

  TfLiteLoadedModel(
      ByteBuffer model,
      InterpreterFactory factory,
      Interpreter first,
      ExecutionProvider provider,
      int poolSize) {
    super(TfLiteTypes.signature(first), provider);
    this.model = model;
    this.factory = factory;
    this.poolSize = poolSize;
    all.add(first);
    idle.add(first);
  }

  @Override
  protected Outputs runOpen(Map<String, Tensor> inputs) throws InferenceException {
    Interpreter interpreter = borrow();
    try {
      return run(interpreter, inputs);
    } finally {
      idle.add(interpreter);
    }
  }

  private Outputs run(Interpreter interpreter, Map<String, Tensor> inputs)
      throws InferenceException {
    try {
      Object[] feeds = new Object[signature.inputs().size()];
      boolean resized = false;
      for (int i = 0; i < feeds.length; i++) {
        Tensor tensor = inputs.get(signature.inputs().get(i).name());
        int[] shape = TfLiteTypes.intShape(tensor.shape());
        if (!Arrays.equals(shape, interpreter.getInputTensor(i).shape())) {
          interpreter.resizeInput(i, shape);
          resized = true;
        }
        feeds[i] = tensor.data();
      }
      if (resized) {
        interpreter.allocateTensors();
      }
      Map<Integer, Object> sinks = new HashMap<>();
      List<byte[]> arrays = new ArrayList<>();
      for (int i = 0; i < interpreter.getOutputTensorCount(); i++) {
        byte[] array = new byte[interpreter.getOutputTensor(i).numBytes()];
        arrays.add(array);
        sinks.put(i, ByteBuffer.wrap(array).order(ByteOrder.nativeOrder()));
      }
      interpreter.runForMultipleInputsOutputs(feeds, sinks);
      Map<String, Tensor> outputs = new LinkedHashMap<>();
      for (int i = 0; i < arrays.size(); i++) {
        org.tensorflow.lite.Tensor out = interpreter.getOutputTensor(i);
        outputs.put(
            out.name(),
            Tensor.ofBytes(
                TfLiteTypes.dataType(out),
                TfLiteTypes.longShape(out.shape()),
                ByteBuffer.wrap(arrays.get(i))));
      }
      return new Outputs(outputs);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InferenceException(
          Code.ENGINE_FAILURE, "TFLite failed to run the model: " + e.getMessage(), e);
    }
  }

  private Interpreter borrow() throws InferenceException {
    Interpreter interpreter = idle.poll();
    if (interpreter != null) {
      return interpreter;
    }
    synchronized (all) {
      if (all.size() < poolSize) {
        Interpreter created = factory.create(model);
        all.add(created);
        return created;
      }
    }
    try {
      return idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InferenceException(
          Code.ENGINE_FAILURE, "Interrupted while waiting for a TFLite interpreter", e);
    }
  }

  @Override
  protected void release() {
    synchronized (all) {
      all.forEach(Interpreter::close);
      all.clear();
    }
    idle.clear();
    factory.close(); // after the interpreters: a delegate must outlive them
  }
}
