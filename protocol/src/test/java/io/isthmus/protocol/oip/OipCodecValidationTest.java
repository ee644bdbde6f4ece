package io.isthmus.protocol.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OipCodecValidationTest {
  private final OipCodec codec = OipCodec.defaults();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          element count  | [2,2] | "FP32"  | [1,2,3]         | SHAPE_MISMATCH: field 'inputs[0].data' has 3 elements but the shape needs 4
          negative dim   | [2,-1]| "FP32"  | [1,2]           | INVALID_VALUE: field 'inputs[0].shape[1]' must be at least 0, got -1
          unknown type   | [1]   | "FP8"   | [1]             | UNKNOWN_DATATYPE: field 'inputs[0].datatype' must be one of [BOOL, UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64, FP16, BF16, FP32, FP64, BYTES], got 'FP8'
          lower case type| [1]   | "fp32"  | [1]             | UNKNOWN_DATATYPE: field 'inputs[0].datatype' must be one of [BOOL, UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64, FP16, BF16, FP32, FP64, BYTES], got 'fp32'
          uint8 range    | [2]   | "UINT8" | [1,256]         | INVALID_VALUE: field 'inputs[0].data[1]' must be an integer in [0, 255], got 256
          negative uint64| [1]   | "UINT64"| [-1]            | INVALID_VALUE: field 'inputs[0].data[0]' must be an integer in [0, 18446744073709551615], got -1
          fraction in int| [1]   | "INT32" | [1.5]           | WRONG_TYPE: field 'inputs[0].data[0]' must be an integer, got 1.5
          string in fp32 | [1]   | "FP32"  | ["x"]           | WRONG_TYPE: field 'inputs[0].data[0]' must be a number, got "x"
          number in bool | [1]   | "BOOL"  | [1]             | WRONG_TYPE: field 'inputs[0].data[0]' must be a boolean, got 1
          fp32 overflow  | [1]   | "FP32"  | [1e39]          | INVALID_VALUE: field 'inputs[0].data[0]' overflows a 32-bit float: 1.0E39
          fp64 overflow  | [1]   | "FP64"  | [1e999]         | INVALID_VALUE: field 'inputs[0].data[0]' must be a finite number, got Infinity
          ragged nesting | [2,2] | "INT8"  | [[1,2],[3]]     | SHAPE_MISMATCH: field 'inputs[0].data' is ragged: row 1 has 1 elements, row 0 has 2
          mixed nesting  | [2,2] | "INT8"  | [[1,2],3,4]     | SHAPE_MISMATCH: field 'inputs[0].data' mixes arrays and values at one level
          data no array  | [1]   | "INT8"  | 1               | WRONG_TYPE: field 'inputs[0].data' must be an array, got 1
          bytes number   | [1]   | "BYTES" | [1]             | WRONG_TYPE: field 'inputs[0].data[0]' must be a string, got 1
          shape string   | "2"   | "INT8"  | [1,2]           | WRONG_TYPE: field 'inputs[0].shape' must be an array, got "2"
          """)
  void badInputTensorsFailNamingTheField(
      String what, String shape, String datatype, String data, String message) {
    String json =
        "{\"inputs\":[{\"name\":\"x\",\"shape\":"
            + shape
            + ",\"datatype\":"
            + datatype
            + ",\"data\":"
            + data
            + "}]}";

    assertThatThrownBy(() -> decode(json))
        .isInstanceOf(ProtocolException.class)
        .hasMessage(message);
  }

  @Test
  void missingAndMalformedFieldsAreNamed() {
    assertThatThrownBy(
            () -> decode("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[]}]}"))
        .hasMessage("MISSING_FIELD: field 'inputs[0].shape' is required but missing");
    assertThatThrownBy(
            () -> decode("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\"}]}"))
        .hasMessage("MISSING_FIELD: field 'inputs[0].data' is required but missing");
    assertThatThrownBy(() -> decode("{\"id\":\"1\"}"))
        .hasMessage("MISSING_FIELD: field 'inputs' is required but missing");
    assertThatThrownBy(() -> decode("[1]"))
        .hasMessage("MALFORMED: inference request must be a JSON object, got ARRAY");
    assertThatThrownBy(() -> decode("{\"inputs\":[]} trailing"))
        .hasMessageStartingWith("MALFORMED: inference request is not valid JSON");
    assertThatThrownBy(
            () ->
                decode(
                    "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[NaN]}]}"))
        .isInstanceOf(ProtocolException.class)
        .extracting(e -> ((ProtocolException) e).reason())
        .isEqualTo(Reason.MALFORMED);
    assertThatThrownBy(
            () ->
                decode(
                    "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]},"
                        + "{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"))
        .hasMessage("INVALID_VALUE: inputs has two tensors named 'x'");
  }

  @Test
  void binaryDataSizeMustFitTheRemainingBytes() {
    byte[] header =
        header("\"shape\":[4],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":16}");
    byte[] body = concat(header, new byte[12]);

    assertThatThrownBy(() -> codec.decodeRequest(body, OptionalInt.of(header.length)))
        .hasMessage(
            "SHAPE_MISMATCH: 'inputs[0]' has binary_data_size 16 but only 12 bytes of"
                + " binary data remain");
  }

  @Test
  void binaryDataSizeMustMatchTheShape() {
    byte[] header =
        header("\"shape\":[4],\"datatype\":\"FP32\",\"parameters\":{\"binary_data_size\":12}");

    assertThatThrownBy(
            () -> codec.decodeRequest(concat(header, new byte[12]), OptionalInt.of(header.length)))
        .hasMessage(
            "SHAPE_MISMATCH: binary data of 'inputs[0]': shape [4] of FP32 needs 16 bytes"
                + " (4 elements) but there are 12");
  }

  @Test
  void unclaimedBinaryBytesAreAnError() {
    byte[] header =
        header("\"shape\":[1],\"datatype\":\"INT8\",\"parameters\":{\"binary_data_size\":1}");

    assertThatThrownBy(
            () -> codec.decodeRequest(concat(header, new byte[3]), OptionalInt.of(header.length)))
        .hasMessage(
            "INVALID_VALUE: 2 bytes of binary data follow the JSON header but no tensor's"
                + " binary_data_size claims them");
  }

  @Test
  void binaryDataSizeWithoutTheHeaderLengthIsAnError() {
    byte[] header =
        header("\"shape\":[1],\"datatype\":\"INT8\",\"parameters\":{\"binary_data_size\":1}");

    assertThatThrownBy(() -> codec.decodeRequest(header, OptionalInt.empty()))
        .hasMessage(
            "INVALID_VALUE: 'inputs[0]' has binary_data_size but the body has no binary"
                + " section (the Inference-Header-Content-Length header is absent)");
  }

  @Test
  void malformedBytesElementsAreRejected() {
    // One element claiming 9 bytes with 2 present.
    byte[] header =
        header("\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":6}");
    byte[] body = concat(header, new byte[] {9, 0, 0, 0, 'a', 'b'});

    assertThatThrownBy(() -> codec.decodeRequest(body, OptionalInt.of(header.length)))
        .hasMessage(
            "SHAPE_MISMATCH: binary data of 'inputs[0]': BYTES element 0 declares 9 bytes"
                + " but only 2 remain");
  }

  @Test
  void headerLengthAndBodySizeAreChecked() throws Exception {
    assertThatThrownBy(() -> codec.decodeRequest(new byte[4], OptionalInt.of(5)))
        .hasMessage(
            "INVALID_VALUE: Inference-Header-Content-Length 5 must be between 0 and the"
                + " body length 4");
    assertThatThrownBy(() -> OipCodec.parseHeaderLength("12a"))
        .hasMessage(
            "INVALID_VALUE: header Inference-Header-Content-Length must be a non-negative"
                + " integer, got '12a'");
    assertThat(OipCodec.parseHeaderLength(null)).isEmpty();
    assertThat(OipCodec.parseHeaderLength(" 42 ")).hasValue(42);
    assertThatThrownBy(
            () -> OipCodec.withMaxBodyBytes(10).decodeRequest(new byte[11], OptionalInt.empty()))
        .hasMessage("PAYLOAD_TOO_LARGE: body has 11 bytes, more than the limit of 10");
  }

  @Test
  void jsonCannotCarryNanOrNonUtf8Bytes() {
    OipTensor nan = OipTensor.ofFloats("f", new long[] {2}, 1f, Float.NaN);
    OipTensor binaryBytes =
        OipTensor.ofByteElements("b", new long[] {1}, List.of(new byte[] {(byte) 0xff}));

    assertThatThrownBy(() -> codec.encodeRequest(InferenceRequest.of(List.of(nan)), false))
        .hasMessage(
            "INVALID_VALUE: element 'f[1]' is NaN, which JSON cannot represent; send the"
                + " tensor as binary data");
    assertThatThrownBy(() -> codec.encodeRequest(InferenceRequest.of(List.of(binaryBytes)), false))
        .hasMessage(
            "INVALID_VALUE: BYTES element 'b[0]' is not UTF-8 text, which JSON cannot"
                + " carry; send the tensor as binary data");
  }

  @Test
  void binaryCarriesWhatJsonCannot() throws Exception {
    OipTensor nan = OipTensor.ofFloats("f", new long[] {2}, 1f, Float.NaN);
    OipTensor binaryBytes =
        OipTensor.ofByteElements("b", new long[] {1}, List.of(new byte[] {(byte) 0xff}));
    OipBody body = codec.encodeRequest(InferenceRequest.of(List.of(nan, binaryBytes)), true);

    InferenceRequest decoded = codec.decodeRequest(body.body(), body.headerLength());

    assertThat(decoded.inputs().get(0).toFloatArray()[1]).isNaN();
    assertThat(decoded.inputs().get(1).toByteElements().get(0)).containsExactly(0xff);
  }

  @Test
  void tensorFactoriesValidateTheirArguments() {
    assertThatThrownBy(
            () -> OipTensor.of("t", OipDatatype.INT32, new long[] {3}, ByteBuffer.allocate(8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tensor 't': shape [3] of INT32 needs 12 bytes (3 elements) but there are 8");
    assertThatThrownBy(() -> OipTensor.ofFloats("t", new long[] {-1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shape [-1] has a negative dimension -1");
    assertThatThrownBy(() -> OipTensor.ofFloats("", new long[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be empty");
    assertThatThrownBy(() -> OipTensor.ofInts("t", new long[] {1}, 1).toFloatArray())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("tensor 't' is INT32, not FP32");
  }

  private InferenceRequest decode(String json) throws ProtocolException {
    return codec.decodeRequest(json.getBytes(StandardCharsets.UTF_8), OptionalInt.empty());
  }

  private static byte[] header(String tensorFields) {
    return ("{\"inputs\":[{\"name\":\"x\"," + tensorFields + "}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
