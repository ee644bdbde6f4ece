package io.isthmus.agent.pipeline.pre;

import com.google.protobuf.ByteString;
import io.isthmus.protocol.v1.MediaPayload;
import io.isthmus.protocol.v1.NamedFields;
import io.isthmus.protocol.v1.NumericSeries;
import io.isthmus.protocol.v1.SensorEvent;
import java.util.Map;

/** Sensor events for stage tests. */
final class Events {
  private Events() {}

  static SensorEvent series(String device, double... values) {
    return SensorEvent.newBuilder()
        .setDeviceId(device)
        .setStream("s")
        .setSeries(
            NumericSeries.newBuilder()
                .addAllValues(java.util.Arrays.stream(values).boxed().toList()))
        .build();
  }

  static SensorEvent fields(Map<String, Double> values) {
    return SensorEvent.newBuilder()
        .setDeviceId("d")
        .setFields(NamedFields.newBuilder().putAllValues(values))
        .build();
  }

  static SensorEvent media(String type, byte[] data) {
    return SensorEvent.newBuilder()
        .setDeviceId("d")
        .setMedia(MediaPayload.newBuilder().setMediaType(type).setData(ByteString.copyFrom(data)))
        .build();
  }
}
