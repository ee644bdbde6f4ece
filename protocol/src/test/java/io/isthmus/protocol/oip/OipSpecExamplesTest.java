package io.isthmus.protocol.oip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The examples given by the protocol's own documents, as they print them. */
class OipSpecExamplesTest {
  private final OipCodec codec = OipCodec.defaults();

  // From KServe's "Predict Protocol - Version 2", section "Inference Request Examples"
  // (github.com/kserve/kserve, docs/predict-api/v2/required_api.md). As printed, input1 declares
  // shape [ 3 ] but gives one element.
  private static final String SPEC_REQUEST =
      """
      {
        "id" : "42",
        "inputs" : [
          {
            "name" : "input0",
            "shape" : [ 2, 2 ],
            "datatype" : "UINT32",
            "data" : [ 1, 2, 3, 4 ]
          },
          {
            "name" : "input1",
            "shape" : [ 3 ],
            "datatype" : "BOOL",
            "data" : [ true ]
          }
        ],
        "outputs" : [
          {
            "name" : "output0"
          }
        ]
      }
      """;

  // The response printed after it in the same section; it lacks the comma after "id" : "42".
  private static final String SPEC_RESPONSE =
      """
      {
        "id" : "42"
        "outputs" : [
          {
            "name" : "output0",
            "shape" : [ 3, 2 ],
            "datatype"  : "FP32",
            "data" : [ 1.0, 1.1, 2.0, 2.1, 3.0, 3.1 ]
          }
        ]
      }
      """;

  // From Triton's "Binary Tensor Data Extension", section "Examples"
  // (github.com/triton-inference-server/server, docs/protocol/extension_binary_data.md), which
  // KServe's binary_tensor_data_extension page repeats.
  private static final String SPEC_BINARY_REQUEST_HEADER =
      """
      {
        "model_name" : "mymodel",
        "inputs" : [
          {
            "name" : "input0",
            "shape" : [ 2, 2 ],
            "datatype" : "UINT32",
            "parameters" : {
              "binary_data_size" : 16
            }
          },
          {
            "name" : "input1",
            "shape" : [ 3 ],
            "datatype" : "BOOL",
            "parameters" : {
              "binary_data_size" : 3
            }
          }
        ],
        "outputs" : [
          {
            "name" : "output0",
            "parameters" : {
              "binary_data" : true
            }
          }
        ]
      }
      """;

  private static final String SPEC_BINARY_RESPONSE_HEADER =
      """
      {
        "outputs" : [
          {
            "name" : "output0",
            "shape" : [ 3, 2 ],
            "datatype"  : "FP32",
            "parameters" : {
              "binary_data_size" : 24
            }
          }
        ]
      }
      """;

  // $metadata_model_response from required_api.md, "Model Metadata Response JSON Object", filled
  // in as in the published example of an OIP server (Huawei MindIE, "Querying Model Metadata",
  // hiascend.com/document/detail/en/mindie/300/LLMframe/llmdev/mindie_service0082.html), with a
  // "versions" entry added since that example omits the optional field.
  private static final String METADATA =
      """
      {
          "name": "deepseek",
          "versions": ["1"],
          "platform": "MindIE Server",
          "inputs": [ { "name": "input0", "shape": [ -1 ], "datatype": "UINT32" } ],
          "outputs": [ { "name": "output0", "shape": [ -1 ], "datatype": "UINT32" } ]
      }
      """;

  @Test
  void theSpecRequestAsPrintedFailsOnInput1sElementCount() {
    assertThatThrownBy(() -> decodeRequest(SPEC_REQUEST))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("SHAPE_MISMATCH: field 'inputs[1].data' has 1 elements but the shape needs 3")
        .extracting(e -> ((ProtocolException) e).reason())
        .isEqualTo(Reason.SHAPE_MISMATCH);
  }

  @Test
  void theSpecRequestWithInput1sShapeCorrectedDecodes() throws Exception {
    InferenceRequest request = decodeRequest(SPEC_REQUEST.replace("[ 3 ]", "[ 1 ]"));

    assertThat(request.id()).contains("42");
    OipTensor input0 = request.inputs().get(0);
    assertThat(input0.name()).isEqualTo("input0");
    assertThat(input0.datatype()).isEqualTo(OipDatatype.UINT32);
    assertThat(input0.shape()).containsExactly(2, 2);
    assertThat(input0.toByteArray())
        .containsExactly(1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0);
    OipTensor input1 = request.inputs().get(1);
    assertThat(input1.datatype()).isEqualTo(OipDatatype.BOOL);
    assertThat(input1.toBooleanArray()).containsExactly(true);
    assertThat(request.outputs()).containsExactly(RequestedOutput.json("output0"));
    assertThat(request.wantsBinaryOutput("output0")).isFalse();
  }

  @Test
  void theSpecResponseAsPrintedIsMalformedJson() {
    assertThatThrownBy(() -> decodeResponse(SPEC_RESPONSE))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("MALFORMED: inference response is not valid JSON")
        .hasCauseInstanceOf(com.fasterxml.jackson.core.JsonParseException.class);
  }

  @Test
  void theSpecResponseWithTheCommaDecodesAndReencodes() throws Exception {
    InferenceResponse response = decodeResponse(SPEC_RESPONSE.replace("\"42\"\n", "\"42\",\n"));

    assertThat(response.id()).contains("42");
    assertThat(response.modelName()).isEmpty();
    OipTensor output0 = response.output("output0");
    assertThat(output0.shape()).containsExactly(3, 2);
    assertThat(output0.toFloatArray()).containsExactly(1.0f, 1.1f, 2.0f, 2.1f, 3.0f, 3.1f);
    OipBody again = codec.encodeResponse(response, false);
    assertThat(new String(again.body(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"model_name\":\"\",\"id\":\"42\",\"outputs\":[{\"name\":\"output0\","
                + "\"shape\":[3,2],\"datatype\":\"FP32\",\"data\":[1.0,1.1,2.0,2.1,3.0,3.1]}]}");
  }

  @Test
  void theSpecBinaryRequestDecodesWithItsNineteenBytes() throws Exception {
    byte[] header = SPEC_BINARY_REQUEST_HEADER.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(header.length + 19).order(ByteOrder.LITTLE_ENDIAN);
    body.put(header).putInt(1).putInt(2).putInt(3).putInt(4).put(new byte[] {1, 0, 1});

    InferenceRequest request = codec.decodeRequest(body.array(), OptionalInt.of(header.length));

    OipTensor input0 = request.inputs().get(0);
    assertThat(input0.shape()).containsExactly(2, 2);
    assertThat(input0.data().asIntBuffer().get(3)).isEqualTo(4);
    assertThat(input0.byteSize()).isEqualTo(16);
    assertThat(input0.parameters().isEmpty()).isTrue(); // binary_data_size is transport only
    assertThat(request.inputs().get(1).toBooleanArray()).containsExactly(true, false, true);
    assertThat(request.outputs()).containsExactly(RequestedOutput.binary("output0"));
    assertThat(request.wantsBinaryOutput("output0")).isTrue();
  }

  @Test
  void theSpecBinaryResponseDecodesItsTwentyFourBytes() throws Exception {
    byte[] header = SPEC_BINARY_RESPONSE_HEADER.getBytes(StandardCharsets.UTF_8);
    ByteBuffer body = ByteBuffer.allocate(header.length + 24).order(ByteOrder.LITTLE_ENDIAN);
    body.put(header)
        .putFloat(1.0f)
        .putFloat(1.1f)
        .putFloat(2.0f)
        .putFloat(2.1f)
        .putFloat(3.0f)
        .putFloat(3.1f);

    InferenceResponse response =
        codec.decodeResponse(body.array(), OipCodec.parseHeaderLength("" + header.length));

    assertThat(response.output("output0").toFloatArray())
        .containsExactly(1.0f, 1.1f, 2.0f, 2.1f, 3.0f, 3.1f);
  }

  @Test
  void theSpecNestedDataExampleEqualsItsFlatForm() throws Exception {
    // required_api.md, "Tensor Data": "data" : [ [ 1, 2 ], [ 4, 5 ] ] or "data" : [ 1, 2, 4, 5 ]
    String template =
        "{\"inputs\":[{\"name\":\"m\",\"shape\":[2,2],\"datatype\":\"INT32\",\"data\":%s}]}";
    OipTensor nested = decodeRequest(template.formatted("[ [ 1, 2 ], [ 4, 5 ] ]")).inputs().get(0);
    OipTensor flat = decodeRequest(template.formatted("[ 1, 2, 4, 5 ]")).inputs().get(0);

    assertThat(nested.toIntArray()).containsExactly(1, 2, 4, 5);
    assertThat(nested).isEqualTo(flat);
  }

  @Test
  void theMetadataExampleDecodesAndRoundTrips() throws Exception {
    ModelMetadata metadata = OipMetadataCodec.decode(METADATA.getBytes(StandardCharsets.UTF_8));

    assertThat(metadata)
        .isEqualTo(
            new ModelMetadata(
                "deepseek",
                List.of("1"),
                "MindIE Server",
                List.of(new TensorMetadata("input0", OipDatatype.UINT32, new long[] {-1})),
                List.of(new TensorMetadata("output0", OipDatatype.UINT32, new long[] {-1}))));
    byte[] encoded = OipMetadataCodec.encode(metadata);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"name\":\"deepseek\",\"versions\":[\"1\"],\"platform\":\"MindIE Server\","
                + "\"inputs\":[{\"name\":\"input0\",\"datatype\":\"UINT32\",\"shape\":[-1]}],"
                + "\"outputs\":[{\"name\":\"output0\",\"datatype\":\"UINT32\",\"shape\":[-1]}]}");
    assertThat(OipMetadataCodec.decode(encoded)).isEqualTo(metadata);
  }

  @Test
  void theErrorObjectRoundTrips() throws Exception {
    // required_api.md: $inference_error_response = { "error": <error message string> }
    byte[] body = codec.encodeError("Unknown input name x, expected one of [a, b]");

    assertThat(new String(body, StandardCharsets.UTF_8))
        .isEqualTo("{\"error\":\"Unknown input name x, expected one of [a, b]\"}");
    assertThat(codec.decodeError(body)).isEqualTo("Unknown input name x, expected one of [a, b]");
    assertThatThrownBy(
            () -> codec.decodeError("{\"message\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessage("MISSING_FIELD: field 'error' is required but missing");
  }

  private InferenceRequest decodeRequest(String json) throws ProtocolException {
    return codec.decodeRequest(json.getBytes(StandardCharsets.UTF_8), OptionalInt.empty());
  }

  private InferenceResponse decodeResponse(String json) throws ProtocolException {
    return codec.decodeResponse(json.getBytes(StandardCharsets.UTF_8), OptionalInt.empty());
  }
}
