/** JMH benchmarks for Isthmus. */
package io.isthmus.benchmarks;
