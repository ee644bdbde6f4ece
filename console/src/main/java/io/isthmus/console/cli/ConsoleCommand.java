package io.isthmus.console.cli;

import io.isthmus.console.Console;
import io.isthmus.console.ConsoleOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./isthmus console}: runs the fleet console until interrupted. */
@Command(
    name = "console",
    mixinStandardHelpOptions = true,
    description = {
      "The fleet console: REST API, model registry, gateway registry and rollout engine.",
      "Without --db it runs an embedded PostgreSQL with its data under --data; without --mqtt an"
          + " embedded MQTT broker on a free port (printed).",
      "With --transport hono, gateways are devices of the Hono tenant --hono-tenant, reached"
          + " through Hono's Kafka at --kafka."
    })
public final class ConsoleCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      description = "HTTP port (default: env PORT, else ${DEFAULT-VALUE})",
      defaultValue = "${env:PORT:-8090}")
  int port;

  @Option(
      names = "--data",
      description = "data folder: keys, model files, embedded database (default: ${DEFAULT-VALUE})",
      defaultValue = "${env:ISTHMUS_CONSOLE_DATA:-console-data}")
  Path data;

  @Option(
      names = "--db",
      description =
          "PostgreSQL JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
              + " (default: env ISTHMUS_CONSOLE_DB, else embedded)",
      defaultValue = "${env:ISTHMUS_CONSOLE_DB}")
  String db;

  @Option(
      names = "--mqtt",
      description =
          "MQTT broker, e.g. tcp://127.0.0.1:1883 (default: env ISTHMUS_CONSOLE_MQTT, else embedded)",
      defaultValue = "${env:ISTHMUS_CONSOLE_MQTT}")
  String mqtt;

  @Option(
      names = "--transport",
      description =
          "how gateways are reached: ${COMPLETION-CANDIDATES}"
              + " (default: env ISTHMUS_CONSOLE_TRANSPORT, else mqtt)",
      defaultValue = "${env:ISTHMUS_CONSOLE_TRANSPORT:-mqtt}")
  Transport transport;

  @Option(
      names = "--hono-tenant",
      description =
          "with --transport hono: the Hono tenant (default: env ISTHMUS_CONSOLE_HONO_TENANT)",
      defaultValue = "${env:ISTHMUS_CONSOLE_HONO_TENANT}")
  String honoTenant;

  @Option(
      names = "--kafka",
      description =
          "with --transport hono: Hono's Kafka, host:port[,host:port...]"
              + " (default: env ISTHMUS_CONSOLE_KAFKA)",
      defaultValue = "${env:ISTHMUS_CONSOLE_KAFKA}")
  String kafka;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The gateway transports. */
  enum Transport {
    mqtt,
    hono
  }

  @Option(
      names = "--public-url",
      description =
          "the console's URL as gateways reach it, for package downloads"
              + " (default: env ISTHMUS_CONSOLE_PUBLIC_URL, else http://127.0.0.1:PORT)",
      defaultValue = "${env:ISTHMUS_CONSOLE_PUBLIC_URL}")
  String publicUrl;

  @Override
  public Integer call() throws InterruptedException {
    ConsoleOptions.Hono hono = null;
    if (transport == Transport.hono) {
      if (blankToNull(honoTenant) == null || blankToNull(kafka) == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--transport hono needs --hono-tenant and --kafka");
      }
      hono = new ConsoleOptions.Hono(honoTenant, kafka);
    }
    ConsoleOptions options =
        ConsoleOptions.builder(data)
            .port(port)
            .database(blankToNull(db), null)
            .mqtt(blankToNull(mqtt))
            .publicUrl(blankToNull(publicUrl))
            .adminToken(blankToNull(System.getenv("ISTHMUS_CONSOLE_ADMIN_TOKEN")))
            .hono(hono)
            .build();
    Console console = Console.start(options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  console.close();
                  stopped.countDown();
                }));
    System.out.println("console: " + console.url() + "  (health: /health/live, /health/ready)");
    if (console.mqttUri() != null) {
      System.out.println("mqtt:    " + console.mqttUri());
    } else {
      System.out.println("hono:    " + console.transportDescription());
    }
    if (console.generatedAdminToken() != null) {
      System.out.println(
          "admin token (shown once; store it, or set ISTHMUS_CONSOLE_ADMIN_TOKEN): "
              + console.generatedAdminToken());
    }
    System.out.flush();
    stopped.await();
    return 0;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ConsoleCommand()).execute(args));
  }
}
