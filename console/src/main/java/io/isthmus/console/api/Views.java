package io.isthmus.console.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.console.audit.AuditEntry;
import io.isthmus.console.auth.ApiToken;
import io.isthmus.console.fleet.GatewayRecord;
import io.isthmus.console.registry.ModelVersion;
import io.isthmus.console.rollout.Rollout;
import io.isthmus.console.rollout.RolloutTarget;
import io.isthmus.console.rollout.TargetStatus;
import io.isthmus.protocol.v1.DesiredModel;
import io.isthmus.protocol.v1.PipelineStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The JSON the API returns for each kind of thing (documented in {@code openapi.yaml}). */
final class Views {
  static final ObjectMapper JSON = new ObjectMapper();

  private Views() {}

  static JsonObject gateway(GatewayRecord g, boolean online) {
    JsonObject pipelines = new JsonObject();
    if (g.reported() != null) {
      new TreeMap<>(g.reported().getPipelinesMap())
          .forEach((name, p) -> pipelines.put(name, pipeline(p)));
    }
    if (g.desired() != null) {
      for (Map.Entry<String, DesiredModel> d : g.desired().getPipelinesMap().entrySet()) {
        JsonObject view = pipelines.getJsonObject(d.getKey());
        if (view == null) {
          view = new JsonObject();
          pipelines.put(d.getKey(), view);
        }
        view.put("desiredModel", d.getValue().getModelName())
            .put("desiredVersion", d.getValue().getModelVersion());
      }
    }
    JsonObject view =
        new JsonObject()
            .put("id", g.id())
            .put("state", online ? "online" : "offline")
            .put("labels", new JsonObject(new TreeMap<String, Object>(g.labels())))
            .put("reportedLabels", new JsonObject(new TreeMap<String, Object>(g.reportedLabels())))
            .put("operatorLabels", new JsonObject(new TreeMap<String, Object>(g.operatorLabels())))
            .put("platform", g.platform())
            .put("agentVersion", g.agentVersion())
            .put("firstSeen", g.firstSeen().toString())
            .put("lastSeen", g.lastSeen().toString())
            .put("desiredGeneration", g.desiredGeneration())
            .put("pipelines", pipelines);
    if (g.reported() != null) {
      view.put("observedGeneration", g.reported().getObservedGeneration())
          .put("health", health(g.reported().getHealth().name()));
      if (g.reported().hasLastError()) {
        view.put("lastError", g.reported().getLastError());
      }
    }
    return view;
  }

  private static JsonObject pipeline(PipelineStatus p) {
    JsonObject view =
        new JsonObject()
            .put("model", p.getModelName())
            .put("activeVersion", p.getActiveVersion())
            .put("installedVersion", p.getInstalledVersion())
            .put("health", health(p.getHealth().name()));
    if (p.hasLastError()) {
      view.put("lastError", p.getLastError());
    }
    if (p.hasStats()) {
      view.put(
          "stats",
          new JsonObject()
              .put("modelVersion", p.getStats().getModelVersion())
              .put("runs", p.getStats().getRuns())
              .put("errors", p.getStats().getErrors())
              .put("p50Us", p.getStats().getP50Us())
              .put("p95Us", p.getStats().getP95Us()));
    }
    return view;
  }

  private static String health(String protoName) {
    return protoName.replace("HEALTH_", "").toLowerCase(java.util.Locale.ROOT);
  }

  static JsonObject version(ModelVersion v) {
    JsonArray files = new JsonArray();
    for (ModelVersion.PackageFile f : v.files()) {
      files.add(
          new JsonObject().put("path", f.path()).put("sha256", f.sha256()).put("size", f.size()));
    }
    return new JsonObject()
        .put("model", v.modelName())
        .put("version", v.version())
        .put("format", v.format())
        .put("manifestSha256", v.manifestSha256())
        .put("keyId", v.keyId())
        .put("platforms", new JsonArray(v.platforms()))
        .put("totalBytes", v.totalBytes())
        .put("createdAt", v.createdAt().toString())
        .put("createdBy", v.createdBy())
        .put("downloadUrl", v.downloadUrl())
        .put("files", files);
  }

  /**
   * A rollout with live progress per wave.
   *
   * @param targeted gateways the rollout selects and drives now
   */
  static JsonObject rollout(Rollout r, int targeted) {
    JsonArray waves = new JsonArray();
    int previous = 0;
    List<Integer> percents = r.spec().waves();
    for (int i = 0; i < percents.size(); i++) {
      int cumulative = r.spec().cumulativeCount(i, targeted);
      int wave = i;
      List<RolloutTarget> in = r.targets().stream().filter(t -> t.wave() == wave).toList();
      JsonObject view =
          counts(in)
              .put("wave", i + 1)
              .put("percent", percents.get(i))
              .put("planned", Math.max(0, cumulative - previous))
              .put(
                  "state",
                  i < r.currentWave() ? "done" : i == r.currentWave() ? "current" : "pending");
      waves.add(view);
      previous = cumulative;
    }
    JsonArray failures = new JsonArray();
    r.targets().stream()
        .filter(t -> t.status() == TargetStatus.FAILED || t.status() == TargetStatus.ROLLED_BACK)
        .limit(100)
        .forEach(
            t ->
                failures.add(
                    new JsonObject()
                        .put("gateway", t.gatewayId())
                        .put("status", t.status().name().toLowerCase(java.util.Locale.ROOT))
                        .put("reason", t.reason())));
    JsonObject view =
        new JsonObject()
            .put("id", r.id())
            .put("name", r.spec().name())
            .put("state", r.state().name().toLowerCase(java.util.Locale.ROOT))
            .put("reason", r.reason())
            .put("currentWave", r.currentWave() + 1)
            .put("createdAt", r.createdAt().toString())
            .put("updatedAt", r.updatedAt().toString())
            .put("spec", new JsonObject(JSON.convertValue(r.spec(), Map.class)))
            .put("targeted", targeted)
            .put("totals", counts(r.targets()))
            .put("waves", waves)
            .put("failures", failures);
    return view;
  }

  private static JsonObject counts(java.util.Collection<RolloutTarget> targets) {
    JsonObject counts = new JsonObject().put("reached", 0);
    for (TargetStatus status : TargetStatus.values()) {
      counts.put(key(status), 0);
    }
    for (RolloutTarget t : targets) {
      counts.put(key(t.status()), counts.getInteger(key(t.status())) + 1);
      if (t.status() != TargetStatus.SUPERSEDED) {
        counts.put("reached", counts.getInteger("reached") + 1);
      }
    }
    return counts;
  }

  private static String key(TargetStatus status) {
    return switch (status) {
      case UPDATING -> "updating";
      case SUCCEEDED -> "succeeded";
      case FAILED -> "failed";
      case ROLLED_BACK -> "rolledBack";
      case SUPERSEDED -> "superseded";
    };
  }

  static JsonObject audit(AuditEntry e) {
    return new JsonObject()
        .put("id", e.id())
        .put("at", e.at().toString())
        .put("rolloutId", e.rolloutId())
        .put("actor", e.actor())
        .put("action", e.action())
        .put("detail", e.detail());
  }

  static JsonObject token(ApiToken t) {
    return new JsonObject()
        .put("id", t.id())
        .put("name", t.name())
        .put("role", t.role().name().toLowerCase(java.util.Locale.ROOT))
        .put("createdAt", t.createdAt().toString())
        .put("revoked", t.revoked());
  }

  static String now() {
    return Instant.now().toString();
  }
}
