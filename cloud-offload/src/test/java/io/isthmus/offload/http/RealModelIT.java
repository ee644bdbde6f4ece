package io.isthmus.offload.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.isthmus.inference.Engines;
import io.isthmus.inference.LoadedModel;
import io.isthmus.inference.Tensor;
import io.isthmus.inference.testing.TestModels;
import io.isthmus.offload.core.OffloadOptions;
import io.isthmus.offload.model.ModelSource;
import io.isthmus.offload.testing.OipClient;
import io.isthmus.offload.testing.RunningFunction;
import io.isthmus.protocol.oip.InferenceRequest;
import io.isthmus.protocol.oip.ModelMetadata;
import io.isthmus.protocol.oip.OipCodec;
import io.isthmus.protocol.oip.OipMetadataCodec;
import io.isthmus.protocol.oip.OipParameters;
import io.isthmus.protocol.oip.OipTensor;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real model (the PP-OCR text direction classifier) served with a sha256-verified source: the
 * function's answers, JSON and binary, equal what the engine computes in process.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealModelIT {
  private static final long[] SHAPE = {2, 3, 48, 192};

  @TempDir Path dir;

  @Test
  void servesPpOcrClsWithTheEnginesExactOutputsInJsonAndBinary() throws Exception {
    Path model = TestModels.require("pp-ocr-cls");
    String sha256 =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model)));
    float[] pixels = new float[2 * 3 * 48 * 192];
    Random random = new Random(42);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = random.nextFloat() * 2 - 1;
    }
    float[] expected;
    try (LoadedModel direct = Engines.onnxRuntime().load(model)) {
      expected = direct.run(Map.of("x", Tensor.ofFloats(SHAPE, pixels))).get(0).toFloatArray();
    }

    OffloadOptions options =
        OffloadOptions.of(
            List.of(ModelSource.parse("cls@3=" + model + "#sha256=" + sha256)),
            dir.resolve("cache"));
    try (RunningFunction server = RunningFunction.start(options)) {
      ModelMetadata metadata =
          OipMetadataCodec.decode(server.client().get("/v2/models/cls").body());
      assertThat(metadata.versions()).containsExactly("3");
      assertThat(metadata.inputs().get(0).shape()).containsExactly(-1, 3, -1, -1);
      String output = metadata.outputs().get(0).name();

      for (boolean binary : new boolean[] {false, true}) {
        InferenceRequest request =
            new InferenceRequest(
                Optional.empty(),
                OipParameters.of(OipParameters.BINARY_DATA_OUTPUT, binary),
                List.of(OipTensor.ofFloats("x", SHAPE, pixels)),
                List.of());
        HttpResponse<byte[]> reply =
            server
                .client()
                .postAsync(
                    "/v2/models/cls/infer", OipCodec.defaults().encodeRequest(request, binary))
                .get();

        assertThat(reply.statusCode()).isEqualTo(200);
        OipTensor probabilities = OipClient.decode(reply).output(output);
        assertThat(probabilities.shape()).containsExactly(2, 2);
        assertThat(probabilities.toFloatArray()).as("binary=%b", binary).containsExactly(expected);
      }
      assertThat(server.metric("isthmus_offload_model_loads_total{model=\"cls\",tier=\"path\""))
          .isEqualTo(1);
    }
  }
}
