package io.isthmus.agent.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes docs/configuration.md from the configuration readers themselves: it parses a set of
 * configurations that take every branch of the readers ({@code config-reference/*.yaml}) with a
 * {@link KeyLog} listening, so every key a reader declares or reads is listed with the type,
 * default and allowed values the reader's own code uses. The descriptions come from {@code
 * config-reference/descriptions.tsv} ({@code key TAB description [TAB default shown instead]});
 * {@link ConfigReferenceTest} fails when a key has none or a description names no key.
 */
final class ConfigReference {
  private static final List<String> SECTIONS =
      List.of("gateway", "mqtt", "broker", "http", "pipelines", "sync", "outbox");
  private static final Set<String> GENERIC = Set.of("list", "string");
  private static final List<String> INPUTS =
      List.of("agent.yaml", "split.yaml", "sources.yaml", "sync.yaml");

  /** What the readers said about one key. */
  static final class Key {
    String type;
    String fallback;
    String allowed;
  }

  final Map<String, Key> keys = new TreeMap<>(ConfigReference::compareKeys);
  final Map<String, String[]> descriptions = new LinkedHashMap<>();

  /** Reads the inputs from the test resources; {@code baseDir} holds the files they name. */
  static ConfigReference collect(Path baseDir) {
    ConfigReference reference = new ConfigReference();
    KeyLog log =
        new KeyLog() {
          @Override
          public void declared(String path) {
            reference.key(path);
          }

          @Override
          public void read(String path, String type, String fallback, String allowed) {
            Key key = reference.key(path);
            // a specific type (path, list of strings) wins over the generic read beneath it
            if (key.type == null || (GENERIC.contains(key.type) && !GENERIC.contains(type))) {
              key.type = type;
            }
            key.fallback = orFirst(key.fallback, fallback);
            key.allowed = orFirst(key.allowed, allowed);
          }
        };
    for (String input : INPUTS) {
      AgentConfigReader.parse(resource(input), baseDir, log);
    }
    for (String line : resource("descriptions.tsv").split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        String[] cells = line.split("\t");
        reference.descriptions.put(cells[0], cells);
      }
    }
    return reference;
  }

  private static String orFirst(String first, String second) {
    return first != null ? first : second;
  }

  private Key key(String path) {
    return keys.computeIfAbsent(path.replaceAll("\\[\\d+]", "[]"), k -> new Key());
  }

  /** Sections in the order of the example file; in each, parents first, siblings by name. */
  private static int compareKeys(String a, String b) {
    int section = Integer.compare(SECTIONS.indexOf(top(a)), SECTIONS.indexOf(top(b)));
    if (section != 0) {
      return section;
    }
    return a.replace("[]", "")
        .replace('.', '\u0001')
        .compareTo(b.replace("[]", "").replace('.', '\u0001'));
  }

  private static String top(String path) {
    return path.split("[.\\[]")[0];
  }

  static String resource(String name) {
    try (InputStream in = ConfigReference.class.getResourceAsStream("/config-reference/" + name)) {
      if (in == null) {
        throw new IllegalStateException("test resource config-reference/" + name + " is missing");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The keys without a description, and the descriptions of keys that do not exist. */
  List<String> mismatches() {
    List<String> out = new ArrayList<>();
    keys.keySet().stream()
        .filter(k -> !descriptions.containsKey(k))
        .forEach(k -> out.add("no description for " + k));
    descriptions.keySet().stream()
        .filter(k -> !keys.containsKey(k))
        .forEach(k -> out.add("description of an unknown key " + k));
    return out;
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Agent configuration reference\n\n")
        .append("Every key of the edge agent's YAML file (`isthmus-agent --config FILE`,")
        .append(" `/etc/isthmus/agent.yaml` in the Debian package), with its type, default and")
        .append(" allowed values as the configuration readers in")
        .append(
            " [`edge-agent/.../agent/config`](../edge-agent/src/main/java/io/isthmus/agent/config)")
        .append(" define them. An unknown key, a wrong type or a bad value stops start-up (and")
        .append(" `isthmus-agent --check`) with `config error at KEY.PATH: VALUE is not WHAT`.")
        .append(" Durations are written `250ms`, `5s`, `2m`, `1h` (or a number of milliseconds);")
        .append(" relative paths resolve against the configuration file's folder. `[]` marks a")
        .append(" list item. A commented example:")
        .append(" [`edge-agent/config/example.yaml`](../edge-agent/config/example.yaml).\n\n")
        .append("This page is generated by `ConfigReferenceTest` (edge-agent), which fails when it")
        .append(" is out of date; regenerate it with\n")
        .append("`./mvnw -pl edge-agent test -Dmodels.skip -Dtest=ConfigReferenceTest")
        .append(" -Disthmus.docs.write=true`.\n");
    String section = null;
    for (Map.Entry<String, Key> e : keys.entrySet()) {
      String path = e.getKey();
      String top = top(path);
      if (!top.equals(section)) {
        section = top;
        md.append("\n## `").append(top).append("`\n\n");
        md.append("| key | type | default | allowed | description |\n");
        md.append("|---|---|---|---|---|\n");
      }
      Key key = e.getValue();
      String[] d = descriptions.getOrDefault(path, new String[] {path, ""});
      String fallback = d.length > 2 && !d[2].equals("-") ? d[2] : key.fallback;
      String allowed = d.length > 3 && !d[3].equals("-") ? d[3] : key.allowed;
      md.append("| `")
          .append(path)
          .append("` | ")
          .append(key.type == null ? "mapping" : key.type)
          .append(" | ")
          .append(cell(fallback))
          .append(" | ")
          .append(cell(allowed))
          .append(" | ")
          .append(d[1].replace("|", "\\|"))
          .append(" |\n");
    }
    return md.toString();
  }

  private static String cell(String value) {
    return value == null || value.isEmpty() ? "" : "`" + value.replace("|", "\\|") + "`";
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
