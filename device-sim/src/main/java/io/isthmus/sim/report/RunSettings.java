package io.isthmus.sim.report;

import java.time.Duration;

/** What a run was asked to do, echoed in its report. */
public record RunSettings(
    String profile,
    String stream,
    String load,
    int devices,
    double meanRate,
    Duration duration,
    int qos,
    String mqttVersion,
    String format,
    long seed) {}
