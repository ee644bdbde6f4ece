package io.isthmus.sim.profile;

import java.nio.charset.StandardCharsets;

/** Derives independent per-device seeds from a run seed. */
final class Seeds {
  private Seeds() {}

  static long forDevice(long seed, String deviceId) {
    if (deviceId == null || deviceId.isEmpty()) {
      throw new IllegalArgumentException("deviceId must not be empty");
    }
    long h = seed ^ 0x9E3779B97F4A7C15L;
    for (byte b : deviceId.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h + b);
    }
    return mix(h);
  }

  // SplitMix64's finalizer: neighbouring inputs give unrelated outputs.
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
