package io.isthmus.partitioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.isthmus.partitioner.testing.TestGraphs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/** The partition subcommands end to end on the hand-built diamond, with their exit codes. */
class PartitionCliTest {
  @TempDir Path dir;
  private Path diamond;
  private StringWriter out;
  private StringWriter err;

  @BeforeEach
  void writeDiamond() throws Exception {
    diamond = dir.resolve("diamond.onnx");
    Files.write(diamond, TestGraphs.diamond().toByteArray());
  }

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cli = PartitionCommand.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void cutsListsTheCandidatesAsTextAndJson() throws Exception {
    assertThat(run("cuts", diamond.toString())).isZero();
    assertThat(out.toString()).contains("3 candidate cuts").contains("a,b").contains("b,c");

    assertThat(run("cuts", diamond.toString(), "--json")).isZero();
    JsonNode cuts = new ObjectMapper().readTree(out.toString());
    assertThat(cuts).hasSize(3);
    assertThat(cuts.get(2).get("tensors").toString()).isEqualTo("[\"b\",\"c\"]");
    assertThat(cuts.get(2).get("bytes").asLong()).isEqualTo(32);
  }

  @Test
  void splitThenVerifyPassesOnRandomAndGivenInputs() throws Exception {
    Path halves = dir.resolve("halves");
    assertThat(run("split", diamond.toString(), "--cut", "b,c", "--out", halves.toString()))
        .isZero();
    assertThat(halves.resolve("head.onnx")).isRegularFile();
    assertThat(halves.resolve("tail.onnx")).isRegularFile();
    Path npy = dir.resolve("x.npy");
    Files.write(npy, npyFloat32(new float[] {1, -2, 3, -4}, 1, 4));

    int code =
        run(
            "verify", diamond.toString(),
            "--head", halves.resolve("head.onnx").toString(),
            "--tail", halves.resolve("tail.onnx").toString(),
            "--input", "x=" + npy,
            "--runs", "2");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("OK: largest difference 0.00 over 3 input sets");
  }

  @Test
  void verifyExitsThreeWhenTheHalvesDisagree() throws Exception {
    Path halves = dir.resolve("halves");
    run("split", diamond.toString(), "--cut", "a", "--out", halves.toString());
    // GIVEN the tail of a model whose B is Neg instead of Sigmoid: same interface, other values
    Path other = dir.resolve("other");
    ModelProto negated =
        TestGraphs.model(
            TestGraphs.diamond().getGraph().toBuilder()
                .setNode(1, TestGraphs.node("Neg", "B", java.util.List.of("a"), "b"))
                .build());
    Files.write(dir.resolve("other.onnx"), negated.toByteArray());
    run("split", dir.resolve("other.onnx").toString(), "--cut", "a", "--out", other.toString());

    int code =
        run(
            "verify", diamond.toString(),
            "--head", halves.resolve("head.onnx").toString(),
            "--tail", other.resolve("tail.onnx").toString(),
            "--runs", "1");

    assertThat(code).isEqualTo(VerifyCommand.MISMATCH);
    assertThat(out.toString()).contains("MISMATCH: largest difference");
  }

  @Test
  void badInputGetsADistinctExitCodeAndSaysWhatToDo() throws Exception {
    Path text = dir.resolve("readme.onnx");
    Files.writeString(text, "not a model");
    assertThat(run("cuts", text.toString())).isEqualTo(10);
    assertThat(err.toString()).contains("is not an ONNX model").contains("Pass a .onnx file");

    Path future = dir.resolve("future.onnx");
    Files.write(
        future,
        TestGraphs.diamond().toBuilder()
            .clearOpsetImport()
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(30))
            .build()
            .toByteArray());
    assertThat(run("inspect", future.toString())).isEqualTo(11);
    assertThat(err.toString()).contains("Supported: ai.onnx 7-23");

    String out = dir.resolve("out").toString();
    assertThat(run("split", diamond.toString(), "--cut", "b", "--out", out)).isEqualTo(12);
    assertThat(err.toString()).contains("Tail node C reads tensor a");

    Path withIf = dir.resolve("if.onnx");
    Files.write(withIf, TestGraphs.withIf().toByteArray());
    assertThat(run("split", withIf.toString(), "--cut", "else_out", "--out", out)).isEqualTo(13);
    assertThat(err.toString()).contains("control-flow node I");

    assertThat(run("split", diamond.toString(), "--cut", "a,zz", "--out", out)).isEqualTo(14);
    assertThat(err.toString()).contains("[zz]");
    assertThat(Path.of(out)).doesNotExist();
  }

  @Test
  void verifyRejectsAnInputFileOfTheWrongTypeOrSize() throws Exception {
    Path halves = dir.resolve("halves");
    run("split", diamond.toString(), "--cut", "a", "--out", halves.toString());
    Path raw = dir.resolve("x.f32");
    Files.write(raw, new byte[12]);

    int code =
        run(
            "verify", diamond.toString(),
            "--head", halves.resolve("head.onnx").toString(),
            "--tail", halves.resolve("tail.onnx").toString(),
            "--input", "x=" + raw);

    assertThat(code).isEqualTo(15);
    assertThat(err.toString()).contains("must hold 16 bytes").contains(".npy");
  }

  @Test
  void inspectPrintsTheProfileTimesAndWritesAnSvgWithEveryCandidateCut() throws Exception {
    Path profile = dir.resolve("edge.json");
    Files.writeString(
        profile,
        "{\"device\": \"pi\", \"nodes\": {\"A\": {\"op\": \"Relu\", \"ms\": 0.25},"
            + " \"D\": {\"op\": \"Add\", \"ms\": 1.5}}}");
    Path svg = dir.resolve("chart.svg");

    assertThat(
            run(
                "inspect",
                diamond.toString(),
                "--profile",
                profile.toString(),
                "--svg",
                svg.toString()))
        .isZero();

    String table = out.toString();
    assertThat(table)
        .containsPattern("1\\s+A\\s+Relu\\s+float32\\[\\?,4\\]\\s+16\\s+0\\.250\\s+-\\s+16");
    assertThat(table)
        .containsPattern("4\\s+D\\s+Add\\s+float32\\[\\?,4\\]\\s+16\\s+1\\.500\\s+-\\s*\\n");
    Document chart =
        DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(svg));
    NodeList lines = chart.getElementsByTagName("line");
    int cuts = 0;
    for (int i = 0; i < lines.getLength(); i++) {
      if ("cut".equals(((Element) lines.item(i)).getAttribute("class"))) {
        cuts++;
      }
    }
    assertThat(cuts).isEqualTo(3);

    assertThat(run("inspect", diamond.toString(), "--profile", profile.toString(), "--json"))
        .isZero();
    JsonNode nodes = new ObjectMapper().readTree(out.toString()).get("nodes");
    assertThat(nodes.get(0).get("edgeMs").asDouble()).isEqualTo(0.25);
    assertThat(nodes.get(1).get("edgeMs").isNull()).isTrue();
  }

  /** A NumPy 1.0 .npy file of float32 values in C order. */
  static byte[] npyFloat32(float[] values, int... shape) {
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(", ");
    }
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
    int total = 10 + header.length() + 1;
    header = header + " ".repeat((64 - total % 64) % 64) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + values.length * 4)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    b.putShort((short) header.length());
    b.put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }
}
