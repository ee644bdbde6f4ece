package io.isthmus.agent.pipeline.pre;

import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.protocol.v1.SensorEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Selects named fields of a {@code fields} payload into a vector, in the configured order. */
public final class FieldsStage implements SourceStage {
  private final List<String> names;

  public FieldsStage(List<String> names) {
    this.names = List.copyOf(names);
  }

  @Override
  public long[] sampleShape() {
    return new long[] {names.size()};
  }

  @Override
  public Optional<float[]> apply(SensorEvent event) throws RejectedEventException {
    if (!event.hasFields()) {
      throw new RejectedEventException(
          RejectedEventException.WRONG_PAYLOAD,
          "event has " + event.getPayloadCase() + ", expected fields " + names);
    }
    Map<String, Double> values = event.getFields().getValuesMap();
    float[] out = new float[names.size()];
    for (int i = 0; i < out.length; i++) {
      Double v = values.get(names.get(i));
      if (v == null) {
        throw new RejectedEventException(
            RejectedEventException.WRONG_SHAPE,
            "field "
                + names.get(i)
                + " is missing, expected "
                + names
                + ", got "
                + values.keySet());
      }
      out[i] = v.floatValue();
    }
    return Optional.of(out);
  }
}
