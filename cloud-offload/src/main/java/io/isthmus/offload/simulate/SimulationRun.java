package io.isthmus.offload.simulate;

import io.isthmus.offload.scaling.ScalingPolicy;
import io.isthmus.offload.scaling.WindowMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;

/** The state of one simulated run: the event queue, the instances and the bill. Single use. */
final class SimulationRun {
  private final PlatformModel platform;
  private final Pricing pricing;
  private final ArrivalTrace trace;
  private final double[] serviceSeconds;
  private final ScalingPolicy policy;

  private final PriorityQueue<Event> events = new PriorityQueue<>(Event.ORDER);
  private final List<Instance> instances = new ArrayList<>();
  private final Deque<Integer> queue = new ArrayDeque<>();
  private final WindowRecorder window = new WindowRecorder();
  private final List<TimelinePoint> timeline = new ArrayList<>();
  private final double[] latencies;
  private long sequence;
  private int nextInstanceId;
  private double now;
  private double lastControl;
  private int provisionedConcurrency;
  private int served;
  private int coldStarts;
  private int instanceStarts;
  private double executionCost;
  private double initialisationCost;
  private double provisionedGbSeconds;

  SimulationRun(
      PlatformModel platform,
      Pricing pricing,
      ArrivalTrace trace,
      double[] serviceSeconds,
      ScalingPolicy policy) {
    this.platform = platform;
    this.pricing = pricing;
    this.trace = trace;
    this.serviceSeconds = serviceSeconds;
    this.policy = policy;
    this.latencies = new double[trace.size()];
  }

  SimulationResult run() {
    // Provisioning made before the trace starts is warm at time 0.
    provision(policy.initialConcurrency(), true);
    if (trace.size() > 0) {
      schedule(trace.arrival(0), Event.Kind.ARRIVAL, null, 0, 0);
    }
    schedule(nextControlTime(), Event.Kind.CONTROL, null, -1, 0);
    while (!events.isEmpty()) {
      Event event = events.poll();
      elapse(event.time());
      switch (event.kind()) {
        case ARRIVAL -> arrive(event.request());
        case READY -> ready(event.instance());
        case COMPLETE -> complete(event.instance(), event.request());
        case EXPIRE -> expire(event.instance(), event.generation());
        case CONTROL -> control();
      }
    }
    Cost cost =
        new Cost(
            served * pricing.perRequest(),
            executionCost,
            initialisationCost,
            provisionedGbSeconds * pricing.provisionedPerGbSecond());
    return new SimulationResult(
        policy.name(), served, latencies, coldStarts, instanceStarts, cost, timeline);
  }

  private void elapse(double time) {
    double dt = time - now;
    if (dt > 0) {
      int busy = 0;
      int warm = 0;
      int provisioned = 0;
      int busyProvisioned = 0;
      int warmProvisioned = 0;
      for (Instance instance : instances) {
        busy += instance.active;
        warm += instance.warm ? 1 : 0;
        if (instance.provisioned) {
          provisioned++;
          busyProvisioned += instance.active;
          warmProvisioned += instance.warm ? 1 : 0;
        }
      }
      int slots = platform.instanceConcurrency();
      window.elapse(dt, busy, warm * slots, busyProvisioned, warmProvisioned * slots);
      provisionedGbSeconds += dt * provisioned * platform.memoryGb();
    }
    now = time;
  }

  private void arrive(int request) {
    if (request + 1 < trace.size()) {
      schedule(trace.arrival(request + 1), Event.Kind.ARRIVAL, null, request + 1, 0);
    }
    Instance warm = firstWarmWithFreeSlot();
    if (warm != null) {
      start(warm, request);
      window.arrival(false);
      return;
    }
    Instance starting = firstInitialisingWithRoom();
    if (starting == null && instances.size() < platform.maxInstances()) {
      starting = launch(false);
    }
    if (starting != null) {
      starting.waiting.add(request);
      coldStarts++;
      window.arrival(true);
    } else {
      queue.add(request);
      window.arrival(false);
    }
  }

  private void ready(Instance instance) {
    instance.warm = true;
    while (!instance.waiting.isEmpty()) {
      start(instance, instance.waiting.poll());
    }
    takeFromQueue(instance);
    if (instance.idle()) {
      becomeIdle(instance);
    }
  }

  private void complete(Instance instance, int request) {
    instance.active--;
    latencies[request] = now - trace.arrival(request);
    served++;
    window.completion(serviceSeconds[request], latencies[request]);
    takeFromQueue(instance);
    if (instance.idle()) {
      becomeIdle(instance);
    }
  }

  private void expire(Instance instance, int generation) {
    if (instance.idle() && !instance.provisioned && instance.idleGeneration == generation) {
      instances.remove(instance);
    }
  }

  private void control() {
    WindowMetrics metrics = window.close(now, now - lastControl, provisionedConcurrency);
    lastControl = now;
    if (now < trace.durationSeconds()) {
      int decided = policy.decide(metrics);
      if (decided < 0) {
        throw new IllegalStateException(
            "policy " + policy.name() + " decided a negative concurrency: " + decided);
      }
      provision(decided, false);
      schedule(nextControlTime(), Event.Kind.CONTROL, null, -1, 0);
    } else {
      provision(
          0, false); // the trace is over: nothing stays provisioned (and billed) while it drains
    }
    timeline.add(
        new TimelinePoint(now, provisionedConcurrency, instances.size(), metrics.invocationRate()));
  }

  private double nextControlTime() {
    return Math.min(trace.durationSeconds(), now + platform.controlIntervalSeconds());
  }

  private void provision(int concurrency, boolean warmAtOnce) {
    provisionedConcurrency = concurrency;
    int wanted =
        Math.min(
            platform.maxInstances(),
            (concurrency + platform.instanceConcurrency() - 1) / platform.instanceConcurrency());
    List<Instance> provisioned = new ArrayList<>();
    List<Instance> onDemand = new ArrayList<>();
    for (Instance instance : instances) {
      (instance.provisioned ? provisioned : onDemand).add(instance);
    }
    if (wanted > provisioned.size()) {
      // Keep instances that are already up (warm ones first) before starting new ones.
      onDemand.sort(Comparator.comparing((Instance i) -> !i.warm).thenComparingInt(i -> i.id));
      int missing = wanted - provisioned.size();
      for (Instance instance : onDemand.subList(0, Math.min(missing, onDemand.size()))) {
        instance.provisioned = true;
        instance.idleGeneration++; // cancels a pending keep-alive expiry
        missing--;
      }
      for (; missing > 0 && instances.size() < platform.maxInstances(); missing--) {
        if (warmAtOnce) {
          instances.add(new Instance(nextInstanceId++, now, true, true));
        } else {
          launch(true);
        }
      }
    } else if (wanted < provisioned.size()) {
      // Release idle instances first, then initialising, then busy ones; the newest first.
      provisioned.sort(
          Comparator.comparingInt(SimulationRun::releaseOrder)
              .thenComparing(Comparator.comparingInt((Instance i) -> i.id).reversed()));
      for (Instance instance : provisioned.subList(0, provisioned.size() - wanted)) {
        instance.provisioned = false;
        if (instance.idle()) {
          becomeIdle(instance);
        }
      }
    }
  }

  private static int releaseOrder(Instance instance) {
    if (instance.idle()) {
      return 0;
    }
    return instance.warm ? 2 : 1;
  }

  private Instance launch(boolean provisioned) {
    Instance instance =
        new Instance(nextInstanceId++, now + platform.coldStartSeconds(), false, provisioned);
    instances.add(instance);
    instanceStarts++;
    if (!provisioned) {
      initialisationCost +=
          platform.coldStartSeconds() * platform.memoryGb() * pricing.onDemandPerGbSecond();
    }
    schedule(instance.readyAt, Event.Kind.READY, instance, -1, 0);
    return instance;
  }

  private void start(Instance instance, int request) {
    instance.active++;
    instance.idleGeneration++;
    double rate =
        instance.provisioned
            ? pricing.provisionedDurationPerGbSecond()
            : pricing.onDemandPerGbSecond();
    executionCost += serviceSeconds[request] * platform.memoryGb() * rate;
    schedule(now + serviceSeconds[request], Event.Kind.COMPLETE, instance, request, 0);
  }

  private void takeFromQueue(Instance instance) {
    while (!queue.isEmpty() && instance.active < platform.instanceConcurrency()) {
      start(instance, queue.poll());
    }
  }

  private void becomeIdle(Instance instance) {
    instance.idleGeneration++;
    if (!instance.provisioned) {
      schedule(
          now + platform.keepAliveSeconds(),
          Event.Kind.EXPIRE,
          instance,
          -1,
          instance.idleGeneration);
    }
  }

  private Instance firstWarmWithFreeSlot() {
    Instance best = null;
    for (Instance instance : instances) {
      if (instance.warm && instance.active < platform.instanceConcurrency()) {
        if (instance.provisioned) {
          return instance; // provisioned capacity serves first, as on Lambda
        }
        if (best == null) {
          best = instance;
        }
      }
    }
    return best;
  }

  private Instance firstInitialisingWithRoom() {
    for (Instance instance : instances) {
      if (!instance.warm && instance.waiting.size() < platform.instanceConcurrency()) {
        return instance;
      }
    }
    return null;
  }

  private void schedule(
      double time, Event.Kind kind, Instance instance, int request, int generation) {
    events.add(new Event(time, kind, sequence++, instance, request, generation));
  }
}
