package io.isthmus.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The inputs and outputs of a loaded model, in the model's order. */
public record ModelSignature(List<TensorSpec> inputs, List<TensorSpec> outputs) {

  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
  }

  /** The input names in the model's order. */
  public List<String> inputNames() {
    return inputs.stream().map(TensorSpec::name).toList();
  }

  /** The output names in the model's order. */
  public List<String> outputNames() {
    return outputs.stream().map(TensorSpec::name).toList();
  }

  /**
   * Checks {@code given} against the inputs before any native code sees it.
   *
   * @throws InferenceException with {@link InferenceException.Code#INVALID_INPUT} naming the input
   *     and the expected and given value, for an unknown name, a missing input, or a wrong data
   *     type or shape (dynamic dimensions accept any size)
   */
  public void validate(Map<String, Tensor> given) throws InferenceException {
    Objects.requireNonNull(given, "inputs");
    List<String> names = inputNames();
    for (String name : given.keySet()) {
      if (!names.contains(name)) {
        throw invalid("Unknown input name " + name + ", expected one of " + names);
      }
    }
    List<String> missing = new ArrayList<>();
    for (TensorSpec spec : inputs) {
      Tensor tensor = given.get(spec.name());
      if (tensor == null) {
        missing.add(spec.name());
        continue;
      }
      if (tensor.dataType() != spec.dataType()) {
        throw invalid(
            "Input "
                + spec.name()
                + " has data type "
                + tensor.dataType()
                + ", expected "
                + spec.dataType());
      }
      if (!spec.acceptsShape(tensor.shape())) {
        throw invalid(
            "Input "
                + spec.name()
                + " has shape "
                + Arrays.toString(tensor.shape())
                + ", expected "
                + Arrays.toString(spec.shape())
                + " (-1 is any size)");
      }
    }
    if (!missing.isEmpty()) {
      throw invalid("Missing input " + String.join(", ", missing) + ", expected all of " + names);
    }
  }

  private static InferenceException invalid(String message) {
    return new InferenceException(InferenceException.Code.INVALID_INPUT, message);
  }
}
