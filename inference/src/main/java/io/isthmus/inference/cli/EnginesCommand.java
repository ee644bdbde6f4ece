package io.isthmus.inference.cli;

import io.isthmus.inference.EngineAvailability;
import io.isthmus.inference.Engines;
import io.isthmus.inference.ExecutionProvider;
import io.isthmus.inference.ExternalDelegate;
import io.isthmus.inference.ModelOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code isthmus engines}: which inference engines and execution providers run here, and why not.
 */
@Command(
    name = "engines",
    mixinStandardHelpOptions = true,
    description =
        "Lists the inference engines, whether they run on this machine, and their providers.")
public final class EnginesCommand implements Callable<Integer> {

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Option(
      names = "--tflite-delegate",
      paramLabel = "LIBRARY",
      description =
          "Also check this TFLite external delegate library (for example libedgetpu.so.1): that it"
              + " loads and exports the plugin functions.")
  Path tfliteDelegate;

  @Option(
      names = "--delegate-option",
      paramLabel = "KEY=VALUE",
      description = "An option for the TFLite delegate (repeatable).")
  Map<String, String> delegateOptions = new LinkedHashMap<>();

  @Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EnginesCommand()).execute(args));
  }

  /** Prints the probe; exit code 0 when at least one engine is available, else 1. */
  @Override
  public Integer call() {
    ModelOptions options =
        tfliteDelegate == null
            ? ModelOptions.defaults()
            : ModelOptions.builder()
                .tfliteDelegate(new ExternalDelegate(tfliteDelegate, delegateOptions))
                .build();
    List<EngineAvailability> engines = Engines.probe(options);
    PrintWriter out = spec.commandLine().getOut();
    out.print(json ? json(engines) : text(engines));
    out.flush();
    return engines.stream().anyMatch(EngineAvailability::available) ? 0 : 1;
  }

  static String text(List<EngineAvailability> engines) {
    StringBuilder s = new StringBuilder();
    for (EngineAvailability e : engines) {
      s.append(
          String.format(
              "%-12s %-10s %s%n",
              e.engine(), e.version(), e.available() ? "available" : "UNAVAILABLE"));
      if (!e.available()) {
        s.append("  why: ").append(e.reason()).append('\n');
        continue;
      }
      s.append("  providers: ")
          .append(e.providers().stream().sorted().map(Enum::name).toList())
          .append('\n');
      for (ExecutionProvider p : ExecutionProvider.values()) {
        boolean here = e.providers().contains(p);
        String why = e.missingProviders().get(p);
        if (here || why != null) {
          s.append(
              here
                  ? String.format("  %-16s yes%n", p)
                  : String.format("  %-16s no   %s%n", p, why));
        }
      }
    }
    return s.toString();
  }

  static String json(List<EngineAvailability> engines) {
    StringBuilder s = new StringBuilder("{\"engines\":[");
    for (int i = 0; i < engines.size(); i++) {
      EngineAvailability e = engines.get(i);
      s.append(i == 0 ? "" : ",")
          .append("{\"name\":")
          .append(quote(e.engine()))
          .append(",\"version\":")
          .append(quote(e.version()))
          .append(",\"available\":")
          .append(e.available())
          .append(",\"reason\":")
          .append(quote(e.reason()))
          .append(",\"providers\":[");
      List<String> providers = e.providers().stream().sorted().map(p -> quote(p.name())).toList();
      s.append(String.join(",", providers)).append("],\"missingProviders\":{");
      List<String> missing =
          sorted(e.missingProviders()).stream()
              .map(m -> quote(m.getKey().name()) + ":" + quote(m.getValue()))
              .toList();
      s.append(String.join(",", missing)).append("},\"accelerators\":[");
      List<String> accelerators = new ArrayList<>();
      for (ExecutionProvider p : ExecutionProvider.values()) {
        boolean here = e.providers().contains(p);
        String why = e.missingProviders().get(p);
        if (here || why != null) {
          accelerators.add(
              "{\"name\":"
                  + quote(p.name())
                  + ",\"available\":"
                  + here
                  + ",\"reason\":"
                  + quote(here ? "" : why)
                  + "}");
        }
      }
      s.append(String.join(",", accelerators)).append("]}");
    }
    return s.append("]}\n").toString();
  }

  private static List<Map.Entry<ExecutionProvider, String>> sorted(
      Map<ExecutionProvider, String> map) {
    return map.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
  }

  private static String quote(String value) {
    StringBuilder s = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"').toString();
  }
}
