package io.isthmus.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A Mosquitto process of the test's own on a free port, with persistence on, that can be stopped
 * (SIGTERM: it writes its sessions and queued messages to disk) and started again on the same port.
 */
final class RestartableMosquitto implements AutoCloseable {
  private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

  private final Path dir;
  private final Path conf;
  private final int port;
  private Process process;
  private int starts;

  private RestartableMosquitto(Path dir, int port, String extraConfig) throws IOException {
    this.dir = dir;
    this.port = port;
    this.conf = dir.resolve("mosquitto.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "user " + System.getProperty("user.name"),
            "persistence true",
            "persistence_location " + dir + "/",
            "autosave_interval 600",
            "log_dest stderr",
            "allow_anonymous true",
            "set_tcp_nodelay true",
            "max_queued_messages 100000",
            "listener " + port + " 127.0.0.1",
            extraConfig,
            ""));
  }

  /**
   * Starts Mosquitto with {@code extraConfig} lines added to the generated file. Skips the test
   * (fails it with {@code CI=true}) when Mosquitto is not installed.
   */
  static RestartableMosquitto start(Path dir, String extraConfig) throws Exception {
    boolean installed = Files.isExecutable(MOSQUITTO);
    String message = MOSQUITTO + " is not installed (skipped; CI=true makes it fail)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertThat(installed).as(message).isTrue();
    } else {
      Assumptions.assumeTrue(installed, message);
    }
    RestartableMosquitto broker = new RestartableMosquitto(dir, freePort(), extraConfig);
    broker.start();
    return broker;
  }

  String uri() {
    return "tcp://127.0.0.1:" + port;
  }

  /** Starts the process and waits until it listens. */
  void start() throws Exception {
    starts++;
    process =
        new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!AgentFixture.reachable("127.0.0.1", port)) {
      assertThat(process.isAlive())
          .as("mosquitto start %d exited; log:\n%s", starts, log())
          .isTrue();
      assertThat(System.nanoTime()).as("mosquitto listening on %d", port).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** SIGTERM and wait: Mosquitto saves its persistent state on the way out. */
  void stop() throws Exception {
    process.destroy();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("mosquitto exited").isTrue();
  }

  String log() throws IOException {
    Path log = dir.resolve("mosquitto.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
