package io.isthmus.partitioner.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The schema of {@code plan.json}: where to cut a model for the gateway's network, and the
 * candidate cuts with their predicted cost on several networks, so the gateway can switch cuts when
 * its measured bandwidth changes without planning again.
 *
 * @param schemaVersion 1
 * @param model the model's file name
 * @param modelSha256 the model file's sha256
 * @param edge the profile the gateway's times come from
 * @param cloud the profile the cloud's times come from
 * @param objective what the plan minimises: {@code latency}, {@code energy} or {@code cost}
 * @param objectiveUnit the unit of every {@code objective} value: ms, mJ or price units
 * @param parameters the cost model's constants
 * @param constraints the limits a plan must keep
 * @param networks every network the candidates are predicted on; the first is the gateway's
 * @param chosen the cut for the first network
 * @param candidates all-edge, all-cloud and the best cut for each network, without repeats
 * @param bestCandidateByNetwork for each network's name, the index of the candidate to use on it
 * @param feasible whether the chosen cut keeps every constraint; when false, it is the cut of least
 *     objective and {@code chosen.prediction.violation} says what it breaks
 * @param warnings what the plan's figures rest on that is not measured or not known: derived
 *     profiles, a profile of another model file, tensors of unknown size
 */
public record PartitionPlan(
    int schemaVersion,
    String model,
    String modelSha256,
    ProfileSummary edge,
    ProfileSummary cloud,
    String objective,
    String objectiveUnit,
    CostParameters parameters,
    Constraints constraints,
    List<NetworkProfile> networks,
    Chosen chosen,
    List<Candidate> candidates,
    Map<String, Integer> bestCandidateByNetwork,
    boolean feasible,
    List<String> warnings) {
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /**
   * Where a side's node times come from.
   *
   * @param device the profiled (or derived) device
   * @param derivedFrom null if measured; else the device whose profile was scaled
   * @param speedFactor null if measured; else how many times faster than {@code derivedFrom}
   * @param runs measured runs per node time
   * @param totalMs the sum of the node times
   */
  public record ProfileSummary(
      String device, String derivedFrom, Double speedFactor, int runs, double totalMs) {}

  /**
   * Limits; null when not set.
   *
   * @param sloMs the most end-to-end latency allowed
   * @param edgeMemoryBytes the most gateway memory the head may use (weights + peak activations)
   */
  public record Constraints(Double sloMs, Long edgeMemoryBytes) {}

  /**
   * A cut's predicted cost on one network.
   *
   * @param edgeMs the head's time on the gateway
   * @param serialisationMs writing the sent and reading the returned tensors
   * @param transferMs the bytes' time on the wire
   * @param fixedMs RTT plus expected cold start; 0 for all-edge
   * @param cloudMs the tail's time in the cloud
   * @param totalMs end-to-end latency, the sum of the five above
   * @param energyMj the gateway's energy
   * @param cloudCost the cloud's price
   * @param objective the objective's value, in {@code objectiveUnit}
   * @param feasible whether the cut keeps the constraints on this network
   * @param violation what it breaks when not feasible, else null
   */
  public record Prediction(
      double edgeMs,
      double serialisationMs,
      double transferMs,
      double fixedMs,
      double cloudMs,
      double totalMs,
      double energyMj,
      double cloudCost,
      double objective,
      boolean feasible,
      String violation) {}

  /**
   * A candidate cut.
   *
   * @param index its position in {@code candidates}
   * @param kind {@code all-edge}, {@code all-cloud} or {@code split}
   * @param bestFor the names of the networks it is the best cut for
   * @param tensors the cut: tensors sent from the gateway to the cloud (for all-cloud, the model
   *     inputs)
   * @param headOutputs model outputs the head computes (results the gateway has without the cloud);
   *     the head is the nodes needed to compute {@code tensors} and these
   * @param headNodes node ids that run on the gateway, in graph order
   * @param tailNodes node ids that run in the cloud, in graph order
   * @param bytesSent the cut tensors' bytes
   * @param bytesReturned the bytes of the model outputs the tail sends back
   * @param edgeMs the head's time on the gateway
   * @param cloudMs the tail's time in the cloud
   * @param headMemoryBytes gateway memory for the head: weights + peak activations
   * @param predictions its cost on each network, by network name
   * @param precision how the head runs: {@code float} (as the model file) or {@code int8} (the head
   *     of the int8 model, the tail float); null in plans written before precision was planned
   * @param agreement for an int8 head, the agreement of the model's outputs with the float model's
   *     (top-1, cosine or box IoU, see the plan's warnings); null for a float head
   */
  public record Candidate(
      int index,
      String kind,
      List<String> bestFor,
      List<String> tensors,
      List<String> headOutputs,
      List<String> headNodes,
      List<String> tailNodes,
      long bytesSent,
      long bytesReturned,
      double edgeMs,
      double cloudMs,
      long headMemoryBytes,
      Map<String, Prediction> predictions,
      String precision,
      Double agreement) {
    /** Whether the head runs the int8 model. */
    public boolean int8() {
      return INT8.equals(precision);
    }
  }

  /** {@link Candidate#precision()} of a head that runs the model as given. */
  public static final String FLOAT = "float";

  /** {@link Candidate#precision()} of a head that runs the int8 model. */
  public static final String INT8 = "int8";

  /**
   * The chosen cut.
   *
   * @param candidate its index in {@code candidates}
   * @param network the name of the network it was chosen for
   * @param tensors the cut tensors
   * @param headNodes node ids on the gateway
   * @param tailNodes node ids in the cloud
   * @param bytesSent the cut tensors' bytes
   * @param prediction its predicted cost on {@code network}
   * @param precision the head's precision, as {@link Candidate#precision()}
   */
  public record Chosen(
      int candidate,
      String network,
      List<String> tensors,
      List<String> headNodes,
      List<String> tailNodes,
      long bytesSent,
      Prediction prediction,
      String precision) {
    /** {@code candidate} as the choice for {@code network}. */
    static Chosen of(Candidate candidate, String network) {
      return new Chosen(
          candidate.index(),
          network,
          candidate.tensors(),
          candidate.headNodes(),
          candidate.tailNodes(),
          candidate.bytesSent(),
          candidate.predictions().get(network),
          candidate.precision());
    }
  }

  /** Writes the plan as indented JSON, creating missing folders. */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, toJson());
  }

  /** The plan's JSON. */
  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A plan always serialises", e);
    }
  }

  /**
   * Reads a plan.
   *
   * @throws IllegalArgumentException if the file is no plan of this schema version
   */
  public static PartitionPlan read(Path file) throws IOException {
    PartitionPlan plan;
    try {
      plan = JSON.readValue(Files.readAllBytes(file), PartitionPlan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + " is not a plan written by `partition plan`: " + e.getOriginalMessage(), e);
    }
    if (plan.schemaVersion() != SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          file
              + " has plan schema version "
              + plan.schemaVersion()
              + ", expected "
              + SCHEMA_VERSION);
    }
    return plan;
  }
}
