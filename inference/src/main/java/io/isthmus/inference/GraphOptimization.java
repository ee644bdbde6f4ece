package io.isthmus.inference;

/**
 * How much an engine may rewrite the graph before running it (engines without a knob ignore it).
 */
public enum GraphOptimization {
  NONE,
  BASIC,
  EXTENDED,
  ALL
}
