package io.isthmus.agent.config;

/**
 * A configuration file that cannot be used: the message names the key path, the value found and
 * what was expected, e.g. {@code config error at pipelines[0].queue.capacity: -3 is not a positive
 * integer}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String path;

  public ConfigException(String path, String problem) {
    super("config error at " + path + ": " + problem);
    this.path = path;
  }

  public ConfigException(String path, String problem, Throwable cause) {
    super("config error at " + path + ": " + problem, cause);
    this.path = path;
  }

  /** The key path of the bad value, e.g. {@code pipelines[0].queue.capacity}. */
  public String path() {
    return path;
  }
}
