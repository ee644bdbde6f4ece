package io.isthmus.agent.pipeline;

import io.isthmus.protocol.v1.SensorEvent;

/** An event decoded and pre-processed, waiting for its model run; times in microseconds. */
record PreparedEvent(SensorEvent event, float[] sample, long queueUs, long startNanos) {}
