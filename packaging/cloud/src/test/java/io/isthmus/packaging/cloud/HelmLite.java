package io.isthmus.packaging.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the console chart's templates the way {@code helm template} would for the few actions
 * they use: {@code {{ .Values.a.b }}}, {@code | quote}, {@code required "message" .Values.x},
 * {@code .Release.Name}, {@code .Release.Namespace}, {@code .Chart.AppVersion}. Anything else
 * fails, so a template that needs the real Helm is noticed. (No helm binary can be had on the build
 * machines: Debian does not package it.)
 */
final class HelmLite {
  private static final Pattern ACTION = Pattern.compile("\\{\\{-?\\s*(.*?)\\s*-?}}");
  private static final Pattern REQUIRED = Pattern.compile("required\\s+\"([^\"]*)\"\\s+(\\S+)");

  private final JsonNode values;
  private final JsonNode chart;
  private final Map<String, String> release;

  HelmLite(JsonNode values, JsonNode chart, String releaseName, String namespace) {
    this.values = values;
    this.chart = chart;
    this.release = Map.of("Name", releaseName, "Namespace", namespace);
  }

  /** A template's text with every action replaced. */
  String render(String template) {
    Matcher m = ACTION.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(action(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String action(String expression) {
    String[] pipeline = expression.split("\\|");
    String value = term(pipeline[0].trim());
    for (int i = 1; i < pipeline.length; i++) {
      String function = pipeline[i].trim();
      if (!function.equals("quote")) {
        throw new IllegalArgumentException("unsupported template function " + function);
      }
      value = "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
    return value;
  }

  private String term(String term) {
    Matcher required = REQUIRED.matcher(term);
    if (required.matches()) {
      String value = term(required.group(2));
      if (value.isEmpty()) {
        throw new IllegalArgumentException("execution error: " + required.group(1));
      }
      return value;
    }
    if (term.startsWith(".Values.")) {
      JsonNode node = values;
      for (String key : term.substring(".Values.".length()).split("\\.")) {
        node = node.path(key);
      }
      if (node.isMissingNode() || node.isContainerNode()) {
        throw new IllegalArgumentException(term + " is not a value in values.yaml");
      }
      return node.isNull() ? "" : node.asText();
    }
    if (term.startsWith(".Release.") && release.containsKey(term.substring(9))) {
      return release.get(term.substring(9));
    }
    if (term.equals(".Chart.AppVersion")) {
      return chart.path("appVersion").asText();
    }
    if (term.equals(".Chart.Name")) {
      return chart.path("name").asText();
    }
    throw new IllegalArgumentException("unsupported template action {{ " + term + " }}");
  }
}
