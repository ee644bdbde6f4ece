package io.isthmus.packaging.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SAM template read with Jackson YAML. CloudFormation's short-form tags ({@code !Ref}, {@code
 * !Sub}) are kept as {@code {"!Ref": value}} so that the test can check what they point at.
 */
class LambdaTemplateTest {
  /** The template's shape as far as it matters here. */
  record Template(
      String AWSTemplateFormatVersion,
      String Transform,
      String Description,
      Map<String, Map<String, Object>> Parameters,
      Map<String, Object> Globals,
      Map<String, Resource> Resources,
      Map<String, Map<String, Object>> Outputs) {}

  record Resource(String Type, JsonNode Properties, Map<String, String> Metadata) {}

  static Template read() throws IOException {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    try (YAMLParser parser =
        new YAMLFactory().createParser(Manifests.text("lambda/template.yaml"))) {
      JsonNode tree = TaggedYaml.read(parser);
      return mapper.treeToValue(tree, Template.class);
    }
  }

  @Test
  void theFunctionIsAContainerImageRunningTheOipHandler() throws IOException {
    Template t = read();
    assertThat(t.Transform()).isEqualTo("AWS::Serverless-2016-10-31");
    Resource fn = t.Resources().get("OffloadFunction");
    assertThat(fn.Type()).isEqualTo("AWS::Serverless::Function");
    JsonNode p = fn.Properties();
    assertThat(p.path("PackageType").asText()).isEqualTo("Image");
    assertThat(p.path("ImageUri").path("!Ref").asText()).isEqualTo("ImageUri");
    assertThat(t.Parameters()).containsKey("ImageUri");
    assertThat(p.path("ImageConfig").path("Command").get(0).asText())
        .isEqualTo("io.isthmus.offload.lambda.OipLambdaHandler::handleRequest");
    assertThat(p.path("MemorySize").path("!Ref").asText()).isEqualTo("MemorySize");
    assertThat(p.path("AutoPublishAlias").asText()).isEqualTo("live");
    JsonNode env = p.path("Environment").path("Variables");
    assertThat(env.path("ISTHMUS_MODELS").path("!Ref").asText()).isEqualTo("Models");
    assertThat(env.path("ISTHMUS_PROVIDER").asText()).isEqualTo("cpu");
    assertThat(env.path("ISTHMUS_CACHE_DIR").asText()).startsWith("/tmp/");
    // the image is built from the Dockerfile beside the other images
    assertThat(fn.Metadata())
        .containsEntry("Dockerfile", "packaging/cloud/docker/lambda.Dockerfile");
    Manifests.file("docker/lambda.Dockerfile");
  }

  @Test
  void theHttpApiRoutesEveryPathToTheFunctionBehindAJwtAuthorizer() throws IOException {
    Template t = read();
    JsonNode event = t.Resources().get("OffloadFunction").Properties().path("Events").path("Infer");
    assertThat(event.path("Type").asText()).isEqualTo("HttpApi");
    assertThat(event.path("Properties").path("Path").asText()).isEqualTo("/{proxy+}");
    assertThat(event.path("Properties").path("Method").asText()).isEqualTo("ANY");
    Resource api = t.Resources().get("OffloadApi");
    assertThat(api.Type()).isEqualTo("AWS::Serverless::HttpApi");
    JsonNode auth = api.Properties().path("Auth");
    String authorizer = auth.path("DefaultAuthorizer").asText();
    JsonNode jwt = auth.path("Authorizers").path(authorizer).path("JwtConfiguration");
    assertThat(jwt.path("issuer").path("!Ref").asText()).isEqualTo("JwtIssuer");
    assertThat(t.Parameters()).containsKeys("JwtIssuer", "JwtAudience");
    assertThat(t.Outputs()).containsKeys("InferUrl", "FunctionAlias");
  }
}
