package io.isthmus.protocol.oip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OipCodecRoundTripTest {
  private final OipCodec codec = OipCodec.defaults();

  /** Every datatype: four elements as raw little-endian bytes, and their JSON data array. */
  static Stream<Arguments> everyDatatype() {
    return Stream.of(
        Arguments.of(
            OipDatatype.BOOL,
            bytes(b -> b.put(new byte[] {1, 0, 0, 1})),
            "[true,false,false,true]"),
        Arguments.of(
            OipDatatype.UINT8,
            bytes(b -> b.put(new byte[] {0, (byte) 255, 7, (byte) 128})),
            "[0,255,7,128]"),
        Arguments.of(
            OipDatatype.INT8, bytes(b -> b.put(new byte[] {-128, 127, 0, -1})), "[-128,127,0,-1]"),
        Arguments.of(
            OipDatatype.UINT16,
            bytes(
                b ->
                    b.putShort((short) 0)
                        .putShort((short) 65535)
                        .putShort((short) 1)
                        .putShort((short) 300)),
            "[0,65535,1,300]"),
        Arguments.of(
            OipDatatype.INT16,
            bytes(
                b ->
                    b.putShort(Short.MIN_VALUE)
                        .putShort(Short.MAX_VALUE)
                        .putShort((short) 0)
                        .putShort((short) -1)),
            "[-32768,32767,0,-1]"),
        Arguments.of(
            OipDatatype.UINT32,
            bytes(b -> b.putInt(0).putInt(-1).putInt(1).putInt(1 << 31)),
            "[0,4294967295,1,2147483648]"),
        Arguments.of(
            OipDatatype.INT32,
            bytes(b -> b.putInt(Integer.MIN_VALUE).putInt(Integer.MAX_VALUE).putInt(0).putInt(-1)),
            "[-2147483648,2147483647,0,-1]"),
        Arguments.of(
            OipDatatype.UINT64,
            bytes(b -> b.putLong(0).putLong(-1L).putLong(1).putLong(Long.MIN_VALUE)),
            "[0,18446744073709551615,1,9223372036854775808]"),
        Arguments.of(
            OipDatatype.INT64,
            bytes(b -> b.putLong(Long.MIN_VALUE).putLong(Long.MAX_VALUE).putLong(0).putLong(-1)),
            "[-9223372036854775808,9223372036854775807,0,-1]"),
        // FP16 as raw bits: 1.0, -2.0, 0.333251953125 (nearest to 1/3), the smallest subnormal.
        Arguments.of(
            OipDatatype.FP16,
            bytes(
                b ->
                    b.putShort((short) 0x3c00)
                        .putShort((short) 0xc000)
                        .putShort((short) 0x3555)
                        .putShort((short) 0x0001)),
            "[1.0,-2.0,0.33325195,5.9604645E-8]"),
        Arguments.of(
            OipDatatype.BF16,
            bytes(
                b ->
                    b.putShort((short) 0x3f80)
                        .putShort((short) 0x4049)
                        .putShort((short) 0xbf00)
                        .putShort((short) 0x0000)),
            "[1.0,3.140625,-0.5,0.0]"),
        Arguments.of(
            OipDatatype.FP32,
            bytes(
                b ->
                    b.putFloat(1.5f)
                        .putFloat(-0.1f)
                        .putFloat(Float.MAX_VALUE)
                        .putFloat(Float.MIN_VALUE)),
            "[1.5,-0.1,3.4028235E38,1.4E-45]"),
        Arguments.of(
            OipDatatype.FP64,
            bytes(
                b ->
                    b.putDouble(Math.PI)
                        .putDouble(-1e300)
                        .putDouble(Double.MIN_VALUE)
                        .putDouble(0.0)),
            "[3.141592653589793,-1.0E300,4.9E-324,0.0]"),
        Arguments.of(
            OipDatatype.BYTES,
            bytes(
                b ->
                    b.putInt(5)
                        .put("hello".getBytes(StandardCharsets.UTF_8))
                        .putInt(0)
                        .putInt(5)
                        .put("ünï".getBytes(StandardCharsets.UTF_8))
                        .putInt(1)
                        .put((byte) '{')),
            "[\"hello\",\"\",\"ünï\",\"{\"]"));
  }

  @ParameterizedTest
  @MethodSource("everyDatatype")
  void jsonRoundTripKeepsTheExactBytes(OipDatatype datatype, byte[] raw, String jsonData)
      throws Exception {
    OipTensor tensor = OipTensor.of("x", datatype, new long[] {2, 2}, ByteBuffer.wrap(raw));
    InferenceRequest request = InferenceRequest.of(List.of(tensor));

    OipBody body = codec.encodeRequest(request, false);

    assertThat(body.headerLength()).isEmpty();
    assertThat(new String(body.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[2,2],\"datatype\":\""
                + datatype
                + "\",\"data\":"
                + jsonData
                + "}]}");
    InferenceRequest decoded = codec.decodeRequest(body.body(), body.headerLength());
    assertThat(decoded.inputs().get(0).toByteArray()).isEqualTo(raw);
    assertThat(decoded).isEqualTo(request);
  }

  @ParameterizedTest
  @MethodSource("everyDatatype")
  void binaryRoundTripAppendsTheRawBytesAfterTheHeader(
      OipDatatype datatype, byte[] raw, String jsonData) throws Exception {
    OipTensor tensor = OipTensor.of("y", datatype, new long[] {4}, ByteBuffer.wrap(raw));
    InferenceResponse response =
        new InferenceResponse(
            "m", Optional.of("2"), Optional.of("req-1"), OipParameters.empty(), List.of(tensor));

    OipBody body = codec.encodeResponse(response, true);

    int headerLength = body.headerLength().orElseThrow();
    assertThat(new String(body.body(), 0, headerLength, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"model_name\":\"m\",\"model_version\":\"2\",\"id\":\"req-1\",\"outputs\":"
                + "[{\"name\":\"y\",\"shape\":[4],\"datatype\":\""
                + datatype
                + "\",\"parameters\":{\"binary_data_size\":"
                + raw.length
                + "}}]}");
    assertThat(Arrays.copyOfRange(body.body(), headerLength, body.body().length)).isEqualTo(raw);
    assertThat(body.contentType()).isEqualTo("application/octet-stream");
    InferenceResponse decoded = codec.decodeResponse(body.body(), body.headerLength());
    assertThat(decoded).isEqualTo(response);
    assertThat(decoded.output("y").toByteArray()).isEqualTo(raw);
  }

  @Test
  void binaryDecodingWrapsTheBodyWithoutCopying() throws Exception {
    OipBody body =
        codec.encodeRequest(
            InferenceRequest.of(List.of(OipTensor.ofFloats("x", new long[] {2}, 1f, 2f))), true);

    OipTensor decoded = codec.decodeRequest(body.body(), body.headerLength()).inputs().get(0);

    ByteBuffer data = decoded.data();
    assertThat(data.isReadOnly()).isTrue();
    assertThat(data.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    body.body()[body.headerLength().getAsInt()] = 0x7f; // visible through the view: no copy
    assertThat(HexFormat.of().formatHex(decoded.toByteArray())).isEqualTo("7f00803f00000040");
  }

  @Test
  void mixedJsonAndBinaryOutputsFollowWhatTheClientAsked() throws Exception {
    InferenceRequest request =
        new InferenceRequest(
            Optional.of("7"),
            OipParameters.empty(),
            List.of(OipTensor.ofInts("in", new long[] {1}, 5)),
            List.of(RequestedOutput.binary("scores"), RequestedOutput.json("label")));
    InferenceResponse response =
        new InferenceResponse(
            "m",
            Optional.empty(),
            Optional.of("7"),
            OipParameters.empty(),
            List.of(
                OipTensor.ofFloats("scores", new long[] {1, 2}, 0.25f, 0.75f),
                OipTensor.ofStrings("label", new long[] {1}, "cat")));

    OipBody body = codec.encodeResponse(response, request::wantsBinaryOutput);

    int header = body.headerLength().orElseThrow();
    assertThat(new String(body.body(), 0, header, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"model_name\":\"m\",\"id\":\"7\",\"outputs\":["
                + "{\"name\":\"scores\",\"shape\":[1,2],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":8}},"
                + "{\"name\":\"label\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"cat\"]}]}");
    assertThat(body.body().length).isEqualTo(header + 8);
    InferenceResponse decoded = codec.decodeResponse(body.body(), body.headerLength());
    assertThat(decoded.output("scores").toFloatArray()).containsExactly(0.25f, 0.75f);
    assertThat(decoded.output("label").toStrings()).containsExactly("cat");
  }

  @Test
  void zeroSizedDimensionsRoundTripInJsonAndBinary() throws Exception {
    OipTensor empty = OipTensor.ofFloats("e", new long[] {0, 3});
    InferenceRequest request = InferenceRequest.of(List.of(empty));

    OipBody json = codec.encodeRequest(request, false);
    OipBody binary = codec.encodeRequest(request, true);

    assertThat(new String(json.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"inputs\":[{\"name\":\"e\",\"shape\":[0,3],\"datatype\":\"FP32\",\"data\":[]}]}");
    assertThat(binary.body().length).isEqualTo(binary.headerLength().orElseThrow());
    for (OipBody body : List.of(json, binary)) {
      OipTensor decoded = codec.decodeRequest(body.body(), body.headerLength()).inputs().get(0);
      assertThat(decoded.shape()).containsExactly(0, 3);
      assertThat(decoded.elementCount()).isZero();
      assertThat(decoded.byteSize()).isZero();
    }
  }

  @Test
  void nestedAndFlatDataDecodeToTheSameBytes() throws Exception {
    String nested =
        "{\"inputs\":[{\"name\":\"t\",\"shape\":[2,2,2],\"datatype\":\"INT16\","
            + "\"data\":[[[1,2],[3,4]],[[5,6],[7,-8]]]}]}";
    String flat =
        "{\"inputs\":[{\"name\":\"t\",\"shape\":[2,2,2],\"datatype\":\"INT16\","
            + "\"data\":[1,2,3,4,5,6,7,-8]}]}";

    OipTensor fromNested = decode(nested).inputs().get(0);
    OipTensor fromFlat = decode(flat).inputs().get(0);

    assertThat(HexFormat.of().formatHex(fromNested.toByteArray()))
        .isEqualTo("0100020003000400050006000700f8ff");
    assertThat(fromNested).isEqualTo(fromFlat);
  }

  @Test
  void parametersRoundTripWithTheirTypes() throws Exception {
    OipParameters parameters =
        new OipParameters(java.util.Map.of("content_type", "np"))
            .with("priority", 3L)
            .with("threshold", 0.5)
            .with(OipParameters.BINARY_DATA_OUTPUT, true);
    InferenceRequest request =
        new InferenceRequest(
            Optional.empty(),
            parameters,
            List.of(
                OipTensor.ofLongs("n", new long[] {}, 42L)
                    .withParameters(OipParameters.of("content_type", "np"))),
            List.of());

    InferenceRequest decoded = decode(codec.encodeRequest(request, true));

    assertThat(decoded.parameters().values())
        .containsExactly(
            java.util.Map.entry("content_type", "np"), java.util.Map.entry("priority", 3L),
            java.util.Map.entry("threshold", 0.5), java.util.Map.entry("binary_data_output", true));
    assertThat(decoded.inputs().get(0).parameters())
        .isEqualTo(OipParameters.of("content_type", "np"));
    assertThat(decoded.inputs().get(0).toLongArray()).containsExactly(42L);
    assertThat(decoded.wantsBinaryOutput("anything")).isTrue();
  }

  private InferenceRequest decode(String json) throws Exception {
    return codec.decodeRequest(
        json.getBytes(StandardCharsets.UTF_8), java.util.OptionalInt.empty());
  }

  private InferenceRequest decode(OipBody body) throws Exception {
    return codec.decodeRequest(body.body(), body.headerLength());
  }

  private static byte[] bytes(java.util.function.Consumer<ByteBuffer> writer) {
    ByteBuffer buffer = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    writer.accept(buffer);
    return Arrays.copyOf(buffer.array(), buffer.position());
  }
}
