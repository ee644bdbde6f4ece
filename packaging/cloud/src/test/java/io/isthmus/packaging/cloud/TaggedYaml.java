package io.isthmus.packaging.cloud;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;

/**
 * Reads YAML into a tree, keeping local tags: {@code !Ref X} becomes {@code {"!Ref": "X"}}
 * (CloudFormation's short forms), which plain tree reading would drop.
 */
final class TaggedYaml {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private TaggedYaml() {}

  static JsonNode read(YAMLParser parser) throws IOException {
    parser.nextToken();
    return value(parser);
  }

  private static JsonNode value(YAMLParser parser) throws IOException {
    String tag = parser.getTypeId();
    JsonNode node;
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      ObjectNode object = NODES.objectNode();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        object.set(name, value(parser));
      }
      node = object;
    } else if (token == JsonToken.START_ARRAY) {
      ArrayNode array = NODES.arrayNode();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(value(parser));
      }
      node = array;
    } else if (token == JsonToken.VALUE_NUMBER_INT) {
      node = NODES.numberNode(parser.getLongValue());
    } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
      node = NODES.numberNode(parser.getDoubleValue());
    } else if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      node = NODES.booleanNode(parser.getBooleanValue());
    } else if (token == JsonToken.VALUE_NULL) {
      node = NODES.nullNode();
    } else {
      node = NODES.textNode(parser.getText());
    }
    // the parser reports a local tag without its "!": !Ref X has the type id "Ref"
    return tag != null && tag.matches("[A-Za-z][\\w:.]*")
        ? NODES.objectNode().set("!" + tag, node)
        : node;
  }
}
