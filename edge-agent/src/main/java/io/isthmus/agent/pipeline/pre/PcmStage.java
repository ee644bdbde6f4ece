package io.isthmus.agent.pipeline.pre;

import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.protocol.v1.SensorEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * 16-bit signed little-endian PCM (a media payload) to a frame of exactly {@code samples} floats,
 * each scaled by 1/32768 into [-1, 1).
 */
public final class PcmStage implements SourceStage {
  private final int samples;

  public PcmStage(int samples) {
    this.samples = samples;
  }

  @Override
  public long[] sampleShape() {
    return new long[] {samples};
  }

  @Override
  public Optional<float[]> apply(SensorEvent event) throws RejectedEventException {
    if (!event.hasMedia()) {
      throw new RejectedEventException(
          RejectedEventException.WRONG_PAYLOAD,
          "event has " + event.getPayloadCase() + ", expected media (16-bit PCM)");
    }
    ByteBuffer bytes = event.getMedia().getData().asReadOnlyByteBuffer();
    if (bytes.remaining() != samples * 2) {
      throw new RejectedEventException(
          RejectedEventException.WRONG_SHAPE,
          "PCM of "
              + bytes.remaining()
              + " bytes, expected "
              + samples * 2
              + " ("
              + samples
              + " 16-bit samples)");
    }
    return Optional.of(decode(bytes, samples));
  }

  /** Reads {@code n} int16 little-endian samples scaled by 1/32768. */
  public static float[] decode(ByteBuffer bytes, int n) {
    ByteBuffer le = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = le.getShort() / 32768f;
    }
    return out;
  }
}
