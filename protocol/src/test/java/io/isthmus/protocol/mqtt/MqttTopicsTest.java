package io.isthmus.protocol.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MqttTopicsTest {
  private final MqttTopics topics = MqttTopics.defaults();

  @Test
  void buildsTheDefaultTopicsFromTheDesign() {
    assertThat(topics.sensor("pump-7", "accel")).isEqualTo("sensors/pump-7/accel");
    assertThat(topics.sensorProtobuf("pump-7", "accel")).isEqualTo("sensors/pump-7/accel.pb");
    assertThat(topics.sensorSubscription()).isEqualTo("sensors/+/+");
    assertThat(topics.result("vibration", "pump-7"))
        .isEqualTo("isthmus/v1/results/vibration/pump-7");
    assertThat(topics.resultSubscription("vibration")).isEqualTo("isthmus/v1/results/vibration/+");
    assertThat(topics.gateway("gw-1", GatewayChannel.DESIRED))
        .isEqualTo("isthmus/v1/gateways/gw-1/desired");
    assertThat(topics.gateway("gw-1", GatewayChannel.REPORTED))
        .isEqualTo("isthmus/v1/gateways/gw-1/reported");
    assertThat(topics.gateway("gw-1", GatewayChannel.EVENTS))
        .isEqualTo("isthmus/v1/gateways/gw-1/events");
    assertThat(topics.gatewaySubscription(GatewayChannel.REPORTED))
        .isEqualTo("isthmus/v1/gateways/+/reported");
  }

  @Test
  void parsesWhatItBuilds() {
    assertThat(topics.parseSensor("sensors/pump-7/accel"))
        .contains(new SensorTopic("pump-7", "accel", false));
    assertThat(topics.parseSensor("sensors/pump-7/accel.pb"))
        .contains(new SensorTopic("pump-7", "accel", true));
    assertThat(topics.parseResult("isthmus/v1/results/vibration/pump-7"))
        .contains(new ResultTopic("vibration", "pump-7"));
    assertThat(topics.parseGateway("isthmus/v1/gateways/gw-1/reported"))
        .contains(new GatewayTopic("gw-1", GatewayChannel.REPORTED));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sensors/pump-7",
        "sensors/pump-7/accel/extra",
        "sensors//accel",
        "sensors/pump-7/",
        "sensors/pump-7/.pb",
        "sensors/pump-7/a.pb.pb",
        "sensorsx/pump-7/accel",
        "other/pump-7/accel",
        "isthmus/v1/results/p/d",
        ""
      })
  void sensorTopicsThatDoNotMatchParseToEmpty(String topic) {
    assertThat(topics.parseSensor(topic)).isEmpty();
  }

  @Test
  void otherTopicsThatDoNotMatchParseToEmpty() {
    assertThat(topics.parseResult("isthmus/v1/results/vibration")).isEmpty();
    assertThat(topics.parseResult("isthmus/v1/results/vibration/pump-7/x")).isEmpty();
    assertThat(topics.parseGateway("isthmus/v1/gateways/gw-1/status")).isEmpty();
    assertThat(topics.parseGateway("isthmus/v1/gateways//desired")).isEmpty();
    assertThat(topics.parseGateway(null)).isEqualTo(Optional.empty());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a/b", "a+", "#", "nul\u0000"})
  void invalidIdsFailWithTheArgumentName(String id) {
    assertThatThrownBy(() -> topics.sensor(id, "accel"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("deviceId must be one non-empty MQTT topic level");
    assertThatThrownBy(() -> topics.result(id, "d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("pipeline must be");
    assertThatThrownBy(() -> topics.gateway(id, GatewayChannel.EVENTS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("gatewayId must be");
  }

  @Test
  void aStreamMayNotEndWithTheProtobufSuffix() {
    assertThatThrownBy(() -> topics.sensor("d", "accel.pb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "stream must not end with '.pb' (that suffix marks a protobuf payload), got 'accel.pb'");
  }

  @Test
  void prefixesAreConfigurableAndValidated() {
    MqttTopics custom =
        MqttTopics.builder()
            .sensorPrefix("site/a/sensors")
            .resultPrefix("out")
            .gatewayPrefix("fleet")
            .build();
    assertThat(custom.sensor("d", "s")).isEqualTo("site/a/sensors/d/s");
    assertThat(custom.parseSensor("site/a/sensors/d/s.pb"))
        .contains(new SensorTopic("d", "s", true));
    assertThat(custom.parseSensor("sensors/d/s")).isEmpty();
    assertThat(custom.result("p", "d")).isEqualTo("out/p/d");
    assertThat(custom.parseGateway("fleet/g/desired"))
        .contains(new GatewayTopic("g", GatewayChannel.DESIRED));

    assertThatThrownBy(() -> MqttTopics.builder().sensorPrefix("a/+/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sensorPrefix")
        .hasMessageContaining("'a/+/b'");
    assertThatThrownBy(() -> MqttTopics.builder().resultPrefix("/out"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("resultPrefix");
    assertThatThrownBy(() -> MqttTopics.builder().gatewayPrefix(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gatewayPrefix must be a non-empty topic prefix, got ''");
  }
}
