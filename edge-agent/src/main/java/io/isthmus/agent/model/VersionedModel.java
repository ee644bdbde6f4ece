package io.isthmus.agent.model;

import io.isthmus.inference.InferenceException;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.Outputs;
import io.isthmus.inference.Tensor;
import java.util.Map;

/**
 * A model whose version can change while it serves (model sync swaps it): {@link #runVersioned}
 * answers with the version that produced the outputs, read in the same step that picked the model,
 * so a run that straddles a swap is never labelled with the other version.
 */
public interface VersionedModel extends LoadedModel {

  /**
   * Runs like {@link #run} and says which version ran.
   *
   * @throws InferenceException as {@link #run}
   */
  Served runVersioned(Map<String, Tensor> inputs) throws InferenceException;

  @Override
  default Outputs run(Map<String, Tensor> inputs) throws InferenceException {
    return runVersioned(inputs).outputs();
  }

  /** The version serving now (the next run may already see another). */
  String version();

  /**
   * Outputs of one run and the version of the model that produced them.
   *
   * @param outputs the model's outputs
   * @param version the version that ran
   */
  record Served(Outputs outputs, String version) {}
}
