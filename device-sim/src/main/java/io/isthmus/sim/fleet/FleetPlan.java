package io.isthmus.sim.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * Draws the fleet from the options and the seed: each gateway's labels, latency scatter, and which
 * gateways are faulty, stuck or silent. The counts are exact (the fraction of the eligible
 * gateways, rounded); which gateways they are follows the seed.
 */
final class FleetPlan {
  private FleetPlan() {}

  static List<GatewayProfile> draw(FleetOptions options) {
    int n = options.count();
    Random random = new Random(options.seed());
    List<Map<String, String>> labels = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      labels.add(new LinkedHashMap<>(options.labels()));
    }
    for (LabelSpread spread : options.spreads()) {
      List<Integer> order = shuffled(n, random);
      int[] counts = spread.counts(n);
      int at = 0;
      for (int v = 0; v < counts.length; v++) {
        for (int k = 0; k < counts[v]; k++) {
          labels.get(order.get(at++)).put(spread.key(), spread.values().get(v));
        }
      }
    }
    boolean[] faulty =
        options
            .fault()
            .map(f -> pick(n, f.fraction(), i -> f.selects(labels.get(i)), random))
            .orElse(new boolean[n]);
    boolean[] stuck = pick(n, options.stuckFraction(), i -> true, random);
    boolean[] silent = pick(n, options.offlineFraction(), i -> true, random);
    HealthFigures h = options.health();
    List<GatewayProfile> profiles = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      // one log-normal factor per gateway keeps its p50 <= p95
      double factor = Math.exp(h.spread() * random.nextGaussian());
      profiles.add(
          new GatewayProfile(
              i,
              options.gatewayId(i),
              Map.copyOf(labels.get(i)),
              h.p50Ms() * factor,
              h.p95Ms() * factor,
              h.errorRate(),
              faulty[i],
              stuck[i],
              silent[i]));
    }
    return profiles;
  }

  private static boolean[] pick(int n, double fraction, IntPredicate eligible, Random random) {
    List<Integer> candidates =
        new ArrayList<>(IntStream.range(0, n).filter(eligible).boxed().toList());
    Collections.shuffle(candidates, random);
    boolean[] picked = new boolean[n];
    long take = Math.round(fraction * candidates.size());
    for (int k = 0; k < take; k++) {
      picked[candidates.get(k)] = true;
    }
    return picked;
  }

  private static List<Integer> shuffled(int n, Random random) {
    List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
    Collections.shuffle(order, random);
    return order;
  }
}
