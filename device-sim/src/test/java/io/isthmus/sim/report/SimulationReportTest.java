package io.isthmus.sim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.protocol.v1.InferenceResult;
import io.isthmus.protocol.v1.LatencyBreakdown;
import io.isthmus.protocol.v1.ResultSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class SimulationReportTest {
  private static final RunSettings SETTINGS =
      new RunSettings(
          "vibration",
          "accel",
          "constant(4/s)",
          2,
          4,
          Duration.ofSeconds(1),
          1,
          "3.1.1",
          "json",
          7);

  // Four events: a healthy one answered in 2 ms, a faulty one answered twice (first in 4 ms),
  // a healthy one lost, a faulty one answered in 6 ms; plus one result for an event never sent.
  static SimulationReport sample() {
    List<EventOutcome> events =
        List.of(
            outcome("d-1", 0, false, 1, 2_000_000, 0.5, 1000, null),
            outcome("d-0", 0, true, 2, 4_000_000, 7.0, 3000, 2000L),
            outcome("d-0", 1, false, 0, -1, 0, 0, null),
            outcome("d-1", 1, true, 1, 6_000_000, 9.0, 5000, 4000L));
    return SimulationReport.of(
        SETTINGS, events, List.of(new EventKey("x", 9)), 0, 750_000_000L, 1_000_000_000L);
  }

  private static EventOutcome outcome(
      String device,
      long seq,
      boolean fault,
      int results,
      long latency,
      double score,
      long edgeUs,
      Long networkUs) {
    InferenceResult result = null;
    if (results > 0) {
      LatencyBreakdown.Builder b =
          LatencyBreakdown.newBuilder()
              .setTriggerUs(100)
              .setEdgeInferUs(edgeUs)
              .setTotalUs(latency / 1000);
      if (networkUs != null) {
        b.setNetworkUs(networkUs);
      }
      result =
          InferenceResult.newBuilder()
              .setDeviceId(device)
              .setSequence(seq)
              .setPipeline("vibration")
              .setSummary(ResultSummary.newBuilder().setAnomalyScore(score))
              .setLatency(b)
              .build();
    }
    return new EventOutcome(
        new EventKey(device, seq),
        fault ? "fault" : "healthy",
        fault,
        1_700_000_000_000_000L + seq,
        seq * 250_000_000L,
        results,
        latency,
        result);
  }

  @Test
  void countsAndKeys() {
    SimulationReport r = sample();
    assertThat(r.sent()).isEqualTo(4);
    assertThat(r.received()).isEqualTo(3);
    assertThat(r.lost()).isEqualTo(1);
    assertThat(r.duplicated()).isEqualTo(1);
    assertThat(r.unexpected()).isEqualTo(1);
    assertThat(r.lostKeys()).containsExactly(new EventKey("d-0", 1));
    assertThat(r.duplicatedKeys()).containsExactly(new EventKey("d-0", 0));
    assertThat(r.events())
        .extracting(e -> e.key().toString())
        .containsExactly("d-0/0", "d-0/1", "d-1/0", "d-1/1");
    assertThat(r.outcome("d-1", 1).orElseThrow().score().getAsDouble()).isEqualTo(9.0);
    assertThat(r.outcome("d-9", 0)).isEmpty();
    assertThat(r.latency()).isEqualTo(new LatencySummary(3, 2, 4, 4, 6, 6, 6));
    assertThat(r.throughputPerSecond()).isEqualTo(3.0);
    assertThat(r.sendRatePerSecond()).isCloseTo(5.333, within(1e-3));
    assertThat(r.stageMeansMs())
        .containsOnlyKeys("trigger", "queue", "edgeInfer", "network", "response", "total");
    assertThat(r.stageMeansMs().get("edgeInfer")).isEqualTo(3.0);
    // d-1/0: 2000 us total - 100 trigger - 1000 edge = 0.9 ms; the other two come out negative on
    // this made-up data (network longer than total) and count as 0.
    assertThat(r.agentOverhead().count()).isEqualTo(3);
    assertThat(r.agentOverhead().max()).isEqualTo(0.9);
    assertThat(r.agentOverhead().p50()).isEqualTo(0.0);
    assertThat(r.stageMeansMs().get("network")).isEqualTo(3.0); // only the two that had it
    AnomalySummary a = r.anomaly().orElseThrow();
    assertThat(a.faultyEvents()).isEqualTo(2);
    assertThat(a.meanScoreFaulty().getAsDouble()).isEqualTo(8.0);
    assertThat(a.meanScoreHealthy().getAsDouble()).isEqualTo(0.5);
  }

  @Test
  void jsonHasTheFields() throws Exception {
    String json = sample().toJson();
    assertThat(json).doesNotContain("\n");
    JsonNode n = new ObjectMapper().readTree(json);
    assertThat(n.get("sent").asLong()).isEqualTo(4);
    assertThat(n.get("received").asLong()).isEqualTo(3);
    assertThat(n.get("lost").asLong()).isEqualTo(1);
    assertThat(n.get("duplicated").asLong()).isEqualTo(1);
    assertThat(n.get("unexpected").asLong()).isEqualTo(1);
    assertThat(n.get("throughputPerS").asDouble()).isEqualTo(3.0);
    assertThat(n.at("/latencyMs/p50").asDouble()).isEqualTo(4.0);
    assertThat(n.at("/latencyMs/p99").asDouble()).isEqualTo(6.0);
    assertThat(n.at("/latencyMs/max").asDouble()).isEqualTo(6.0);
    assertThat(n.at("/stageMeansMs/edgeInfer").asDouble()).isEqualTo(3.0);
    assertThat(n.at("/anomaly/meanScoreFaulty").asDouble()).isEqualTo(8.0);
    assertThat(n.at("/anomaly/meanScoreHealthy").asDouble()).isEqualTo(0.5);
    assertThat(n.at("/settings/load").asText()).isEqualTo("constant(4/s)");
    assertThat(n.get("lostKeys").get(0).asText()).isEqualTo("d-0/1");
    assertThat(n.get("duplicatedKeys").get(0).asText()).isEqualTo("d-0/0");
    assertThat(n.get("unexpectedKeys").get(0).asText()).isEqualTo("x/9");
  }

  @Test
  void filesAreWrittenAndTheSvgIsWellFormed(@TempDir Path dir) throws Exception {
    ReportFiles.write(sample(), dir);

    List<String> csv = Files.readAllLines(dir.resolve("events.csv"));
    assertThat(csv).hasSize(5);
    assertThat(csv.get(0))
        .isEqualTo("device,seq,sent_us,received_us,latency_ms,results,fault,label,score");
    assertThat(csv.get(1))
        .isEqualTo("d-0,0,1700000000000000,1700000000004000,4.000,2,true,fault,7.00000");
    assertThat(csv.get(2)).isEqualTo("d-0,1,1700000000000001,,,0,false,healthy,");
    Document svg =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(dir.resolve("latency.svg").toFile());
    assertThat(svg.getDocumentElement().getTagName()).isEqualTo("svg");
    assertThat(svg.getElementsByTagName("circle").getLength()).isEqualTo(3);
    assertThat(
            new ObjectMapper().readTree(dir.resolve("report.json").toFile()).get("sent").asLong())
        .isEqualTo(4);
  }
}
