package io.isthmus.sim.profile;

/** Argument checks whose messages name the argument, the value and what was expected. */
final class Checks {
  private Checks() {}

  static int range(int value, int min, int max, String name) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " is " + value + ", expected " + min + " to " + max);
    }
    return value;
  }

  static double positive(double value, String name) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " is " + value + ", expected a positive number");
    }
    return value;
  }

  static double nonNegative(double value, String name) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " is " + value + ", expected at least 0");
    }
    return value;
  }

  static double probability(double value, String name) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " is " + value + ", expected 0 to 1");
    }
    return value;
  }

  static String topicLevel(String value, String name) {
    if (value == null
        || value.isEmpty()
        || value.contains("/")
        || value.contains("+")
        || value.contains("#")
        || value.endsWith(".pb")) {
      throw new IllegalArgumentException(
          name + " is '" + value + "', expected one MQTT topic level without / + # or .pb");
    }
    return value;
  }
}
