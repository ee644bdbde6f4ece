package io.isthmus.partitioner.plan;

import io.isthmus.partitioner.plan.PartitionPlan.Candidate;
import io.isthmus.partitioner.plan.PartitionPlan.Prediction;
import io.isthmus.partitioner.plan.PartitionPlan.ProfileSummary;
import java.util.Locale;
import java.util.Map;

/** A plan as text for people: the choice, then one row per candidate cut. */
public final class PlanTable {
  private static final int CUT_WIDTH = 36;

  private PlanTable() {}

  /**
   * The plan as a table. In each network's column, {@code *} marks the candidate to use on it and
   * {@code !} a prediction that breaks a constraint.
   */
  public static String render(PartitionPlan plan) {
    return render(plan, Map.of(), "");
  }

  /**
   * The plan as a table with one more column: each candidate's agreement with the float model when
   * its head runs in int8 and its tail in float ({@code int8Agreement}, by candidate index), under
   * {@code metric}.
   */
  public static String render(
      PartitionPlan plan, Map<Integer, Double> int8Agreement, String metric) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Plan for %s, objective %s (%s). Gateway: %s. Cloud: %s.%n",
            plan.model(),
            plan.objective(),
            plan.objectiveUnit(),
            describe(plan.edge()),
            describe(plan.cloud())));
    PartitionPlan.Chosen chosen = plan.chosen();
    Prediction p = chosen.prediction();
    out.append(
        String.format(
            Locale.ROOT,
            "Chosen for %s: candidate %d %s%s, %d bytes sent; predicted %.3f ms = edge %.3f +"
                + " serialisation %.3f + transfer %.3f + RTT/cold start %.3f + cloud %.3f%s%n",
            chosen.network(),
            chosen.candidate(),
            label(plan.candidates().get(chosen.candidate())),
            PartitionPlan.INT8.equals(chosen.precision()) ? " with an int8 head" : "",
            chosen.bytesSent(),
            p.totalMs(),
            p.edgeMs(),
            p.serialisationMs(),
            p.transferMs(),
            p.fixedMs(),
            p.cloudMs(),
            plan.objective().equals("latency")
                ? ""
                : String.format(
                    Locale.ROOT,
                    "; %s %.6g %s",
                    plan.objective(),
                    p.objective(),
                    plan.objectiveUnit())));
    if (!plan.feasible()) {
      out.append("No candidate keeps the constraints; this is the best one, and it breaks them: ")
          .append(p.violation())
          .append(System.lineSeparator());
    }
    out.append(System.lineSeparator());
    out.append(
        String.format(
            Locale.ROOT,
            "%3s  %-" + CUT_WIDTH + "s %5s %5s %11s %9s %9s %10s",
            "#",
            "cut",
            "head",
            "tail",
            "bytes sent",
            "edge ms",
            "cloud ms",
            "memory KB"));
    boolean precisions = plan.candidates().stream().anyMatch(Candidate::int8);
    if (precisions) {
      out.append(String.format(Locale.ROOT, " %5s %9s", "prec", "agreement"));
    }
    if (!int8Agreement.isEmpty()) {
      out.append(String.format(Locale.ROOT, " %10s", "int8 head"));
    }
    for (NetworkProfile network : plan.networks()) {
      out.append(String.format(Locale.ROOT, " %14s", network.name()));
    }
    out.append(System.lineSeparator());
    for (Candidate c : plan.candidates()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%3d  %-" + CUT_WIDTH + "s %5d %5d %11d %9.3f %9.3f %10.1f",
              c.index(),
              abbreviate(label(c)),
              c.headNodes().size(),
              c.tailNodes().size(),
              c.bytesSent(),
              c.edgeMs(),
              c.cloudMs(),
              c.headMemoryBytes() / 1024.0));
      if (precisions) {
        out.append(
            c.int8()
                ? String.format(Locale.ROOT, " %5s %9.4f", "int8", c.agreement())
                : String.format(Locale.ROOT, " %5s %9s", "float", "-"));
      }
      if (!int8Agreement.isEmpty()) {
        Double a = int8Agreement.get(c.index());
        out.append(
            a == null ? String.format(" %10s", "-") : String.format(Locale.ROOT, " %10.4f", a));
      }
      for (NetworkProfile network : plan.networks()) {
        Prediction q = c.predictions().get(network.name());
        String mark =
            (plan.bestCandidateByNetwork().get(network.name()) == c.index() ? "*" : " ")
                + (q.feasible() ? " " : "!");
        out.append(String.format(Locale.ROOT, " %12.3f%s", q.totalMs(), mark));
      }
      out.append(System.lineSeparator());
    }
    out.append(
            "Network columns: predicted end-to-end ms; * = best candidate there; ! = breaks a constraint.")
        .append(System.lineSeparator());
    if (!int8Agreement.isEmpty()) {
      out.append(
              "int8 head: "
                  + metric
                  + " agreement with the float model when the head runs in int8 (static,"
                  + " per-channel) and the tail in float; edge ms are the float profile's.")
          .append(System.lineSeparator());
    }
    if (precisions) {
      out.append(
              "prec: the head runs the model as given (float) or its int8 version, with the tail"
                  + " float; agreement: of the int8-head model's outputs with the float model's.")
          .append(System.lineSeparator());
    }
    for (String warning : plan.warnings()) {
      out.append("warning: ").append(warning).append(System.lineSeparator());
    }
    return out.toString();
  }

  private static String label(Candidate c) {
    return c.kind().equals("split") ? String.join(",", c.tensors()) : c.kind();
  }

  private static String abbreviate(String text) {
    return text.length() <= CUT_WIDTH ? text : text.substring(0, CUT_WIDTH - 3) + "...";
  }

  private static String describe(ProfileSummary profile) {
    return profile.derivedFrom() == null
        ? String.format(
            Locale.ROOT,
            "%s (measured, %d runs, %.3f ms)",
            profile.device(),
            profile.runs(),
            profile.totalMs())
        : String.format(
            Locale.ROOT,
            "%s (NOT measured: derived from %s at speed factor %s, %.3f ms)",
            profile.device(),
            profile.derivedFrom(),
            profile.speedFactor(),
            profile.totalMs());
  }
}
