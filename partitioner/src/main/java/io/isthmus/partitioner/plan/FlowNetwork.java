package io.isthmus.partitioner.plan;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A directed graph with real capacities and Dinic's maximum flow: breadth-first levels from the
 * source, then blocking flows by depth-first search along level-increasing edges with residual
 * capacity, until the sink is unreachable. Capacities may be {@link Double#POSITIVE_INFINITY} as
 * long as every source-to-sink path has a finite edge.
 */
final class FlowNetwork {
  /** Residual capacities at or below this count as saturated (capacities are ms, bytes x cost). */
  private static final double EPSILON = 1e-12;

  private final int vertices;
  private int[] head;
  private int[] next = new int[16];
  private int[] to = new int[16];
  private double[] residual = new double[16];
  private int edges;

  FlowNetwork(int vertices) {
    this.vertices = vertices;
    this.head = new int[vertices];
    Arrays.fill(head, -1);
  }

  /** Adds an edge {@code from -> to} of {@code capacity} (>= 0) and its residual twin. */
  void addEdge(int from, int to, double capacity) {
    if (!(capacity >= 0)) {
      throw new IllegalArgumentException("Capacity must be >= 0, got " + capacity);
    }
    append(from, to, capacity);
    append(to, from, 0);
  }

  private void append(int from, int target, double capacity) {
    if (edges == to.length) {
      next = Arrays.copyOf(next, edges * 2);
      to = Arrays.copyOf(to, edges * 2);
      residual = Arrays.copyOf(residual, edges * 2);
    }
    to[edges] = target;
    residual[edges] = capacity;
    next[edges] = head[from];
    head[from] = edges++;
  }

  /** Pushes a maximum flow from {@code source} to {@code sink} and returns its value. */
  double maxFlow(int source, int sink) {
    double total = 0;
    int[] level = new int[vertices];
    int[] cursor = new int[vertices];
    while (levels(source, sink, level)) {
      System.arraycopy(head, 0, cursor, 0, vertices);
      double pushed;
      while ((pushed = push(source, sink, Double.POSITIVE_INFINITY, level, cursor)) > EPSILON) {
        if (Double.isInfinite(pushed)) {
          throw new IllegalStateException("A source-to-sink path has only infinite capacities");
        }
        total += pushed;
      }
    }
    return total;
  }

  /**
   * The vertices reachable from {@code source} in the residual graph after {@link #maxFlow}: the
   * source side of a minimum cut (the smallest one when several cuts are minimal).
   */
  BitSet sourceSide(int source) {
    BitSet seen = new BitSet(vertices);
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    seen.set(source);
    queue.add(source);
    while (!queue.isEmpty()) {
      int v = queue.poll();
      for (int e = head[v]; e != -1; e = next[e]) {
        if (residual[e] > EPSILON && !seen.get(to[e])) {
          seen.set(to[e]);
          queue.add(to[e]);
        }
      }
    }
    return seen;
  }

  private boolean levels(int source, int sink, int[] level) {
    Arrays.fill(level, -1);
    level[source] = 0;
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(source);
    while (!queue.isEmpty()) {
      int v = queue.poll();
      for (int e = head[v]; e != -1; e = next[e]) {
        if (residual[e] > EPSILON && level[to[e]] < 0) {
          level[to[e]] = level[v] + 1;
          queue.add(to[e]);
        }
      }
    }
    return level[sink] >= 0;
  }

  private double push(int v, int sink, double limit, int[] level, int[] cursor) {
    if (v == sink) {
      return limit;
    }
    for (; cursor[v] != -1; cursor[v] = next[cursor[v]]) {
      int e = cursor[v];
      int w = to[e];
      if (residual[e] > EPSILON && level[w] == level[v] + 1) {
        double pushed = push(w, sink, Math.min(limit, residual[e]), level, cursor);
        if (pushed > EPSILON) {
          residual[e] -= pushed;
          residual[e ^ 1] += pushed;
          return pushed;
        }
      }
    }
    return 0;
  }
}
