/**
 * End-to-end benchmarks that run the real agent and the real cloud function as processes: {@link
 * io.isthmus.benchmarks.e2e.SplitE2e} compares all-edge, all-cloud, a split and the agent's
 * adaptive choice over emulated networks ({@code benchmarks/e2e/split-e2e.sh}).
 */
package io.isthmus.benchmarks.e2e;
