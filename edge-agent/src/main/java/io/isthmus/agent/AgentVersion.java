package io.isthmus.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The agent's version as the build stamped it ({@code agent-version.properties}, filled by Maven
 * resource filtering), reported to the console in every {@code ReportedState}.
 */
public final class AgentVersion {
  private static final String UNKNOWN = "unknown";
  private static final String VERSION = read();

  private AgentVersion() {}

  /** The version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} when the build did not stamp it. */
  public static String current() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = AgentVersion.class.getResourceAsStream("agent-version.properties")) {
      if (in == null) {
        return UNKNOWN;
      }
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version", UNKNOWN).strip();
      // an unfiltered copy (an IDE build) still holds the placeholder
      return version.isEmpty() || version.startsWith("${") ? UNKNOWN : version;
    } catch (IOException e) {
      return UNKNOWN;
    }
  }
}
