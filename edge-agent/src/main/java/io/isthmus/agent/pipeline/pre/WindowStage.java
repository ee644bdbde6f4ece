package io.isthmus.agent.pipeline.pre;

import io.isthmus.agent.pipeline.RejectedEventException;
import io.isthmus.protocol.v1.NumericSeries;
import io.isthmus.protocol.v1.SensorEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-device sliding window over the {@code values} of series events: {@code size} frames of
 * {@code channels} interleaved samples, emitted when full and then every {@code hop} frames. When
 * one event crosses several emission points only the latest window is emitted, so an event yields
 * at most one sample. State is kept for at most {@code maxDevices} devices; the least recently seen
 * one is forgotten first.
 */
public final class WindowStage implements SourceStage {
  private final int size;
  private final int hop;
  private final int channels;
  private final Map<String, DeviceWindow> devices;
  private final AtomicLong evictions = new AtomicLong();

  public WindowStage(int size, int hop, int channels, int maxDevices) {
    if (size < 1 || hop < 1 || hop > size || channels < 1 || maxDevices < 1) {
      throw new IllegalArgumentException(
          "size "
              + size
              + ", hop "
              + hop
              + ", channels "
              + channels
              + ", maxDevices "
              + maxDevices);
    }
    this.size = size;
    this.hop = hop;
    this.channels = channels;
    this.devices =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, DeviceWindow> eldest) {
            boolean evict = size() > maxDevices;
            if (evict) {
              evictions.incrementAndGet();
            }
            return evict;
          }
        };
  }

  @Override
  public long[] sampleShape() {
    return channels == 1 ? new long[] {size} : new long[] {size, channels};
  }

  /** Devices forgotten to stay within maxDevices. */
  public long evictions() {
    return evictions.get();
  }

  /** Devices with state now. */
  public synchronized int deviceCount() {
    return devices.size();
  }

  @Override
  public synchronized Optional<float[]> apply(SensorEvent event) throws RejectedEventException {
    if (!event.hasSeries()) {
      throw new RejectedEventException(
          RejectedEventException.WRONG_PAYLOAD,
          "event has " + event.getPayloadCase() + ", expected a series of values");
    }
    NumericSeries series = event.getSeries();
    int eventChannels = series.hasChannels() ? series.getChannels() : 1;
    int count = series.getValuesCount();
    if (eventChannels != channels || count % channels != 0 || count == 0) {
      throw new RejectedEventException(
          RejectedEventException.WRONG_SHAPE,
          count
              + " values of "
              + eventChannels
              + " channels, expected a non-empty multiple of "
              + channels
              + " channels");
    }
    DeviceWindow window = devices.computeIfAbsent(event.getDeviceId(), d -> new DeviceWindow());
    boolean emit = false;
    for (int i = 0; i < count; i += channels) {
      emit |= window.push(series, i);
    }
    return emit ? Optional.of(window.snapshot()) : Optional.empty();
  }

  /** A ring of the last {@code size} frames. */
  private final class DeviceWindow {
    private final float[] ring = new float[size * channels];
    private int next;
    private long frames;
    private long sinceEmit;

    boolean push(NumericSeries series, int offset) {
      for (int c = 0; c < channels; c++) {
        ring[next * channels + c] = (float) series.getValues(offset + c);
      }
      next = (next + 1) % size;
      frames++;
      sinceEmit++;
      if (frames == size || (frames > size && sinceEmit >= hop)) {
        sinceEmit = 0;
        return true;
      }
      return false;
    }

    float[] snapshot() {
      float[] out = new float[ring.length];
      int head = next * channels; // the oldest frame
      System.arraycopy(ring, head, out, 0, ring.length - head);
      System.arraycopy(ring, 0, out, ring.length - head, head);
      return out;
    }
  }
}
