package io.isthmus.sim.profile;

import com.google.protobuf.ByteString;
import io.isthmus.protocol.v1.MediaPayload;
import io.isthmus.protocol.v1.NumericSeries;
import io.isthmus.protocol.v1.SensorEvent;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Microphone frames at 16 kHz: stretches of speech-like sound (a voiced source at a wandering pitch
 * whose harmonics are shaped by three formants, under a syllable envelope of 3 to 8 syllables) and
 * silent stretches (faint noise). By default a frame is 100 ms of little-endian int16 PCM with
 * media type {@value #MEDIA_TYPE}; with {@code floatValues} it is a numeric series in [-1, 1].
 *
 * <p>The reading's label is {@code speech} when more than a fifth of the frame is voiced, else
 * {@code silence}.
 */
public final class AudioProfile implements SensorProfile {
  public static final int SAMPLE_RATE_HZ = 16_000;
  public static final String MEDIA_TYPE = "audio/pcm;rate=16000";
  public static final int DEFAULT_FRAME_SAMPLES = 1600;

  private final String stream;
  private final int frameSamples;
  private final boolean floatValues;

  public AudioProfile(String stream, int frameSamples, boolean floatValues) {
    this.stream = Checks.topicLevel(stream, "stream");
    this.frameSamples = Checks.range(frameSamples, 16, SAMPLE_RATE_HZ * 10, "frameSamples");
    this.floatValues = floatValues;
  }

  /** Stream {@code mic}, 100 ms PCM frames. */
  public static AudioProfile defaults() {
    return new AudioProfile("mic", DEFAULT_FRAME_SAMPLES, false);
  }

  @Override
  public String name() {
    return "audio";
  }

  @Override
  public String stream() {
    return stream;
  }

  public int frameSamples() {
    return frameSamples;
  }

  @Override
  public SensorSource newSource(String deviceId, long seed) {
    SpeechSynth synth = new SpeechSynth(new SplittableRandom(Seeds.forDevice(seed, deviceId)));
    return (sequence, timestampUs) -> {
      double[] frame = new double[frameSamples];
      int voiced = synth.fill(frame);
      SensorEvent.Builder event =
          SensorEvent.newBuilder()
              .setDeviceId(deviceId)
              .setStream(stream)
              .setSequence(sequence)
              .setTimestampUs(timestampUs);
      if (floatValues) {
        NumericSeries.Builder series = NumericSeries.newBuilder().setSampleRateHz(SAMPLE_RATE_HZ);
        for (double v : frame) {
          series.addValues(Math.round(v * 32767) / 32767.0);
        }
        event.setSeries(series);
      } else {
        ByteBuffer pcm = ByteBuffer.allocate(frameSamples * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : frame) {
          pcm.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
        }
        event.setMedia(
            MediaPayload.newBuilder()
                .setMediaType(MEDIA_TYPE)
                .setData(ByteString.copyFrom(pcm.array())));
      }
      boolean speech = voiced * 5 > frameSamples;
      return new SimulatedReading(event.build(), false, speech ? "speech" : "silence");
    };
  }

  /** The running state of one device's talker, continuous across frames. */
  static final class SpeechSynth {
    private static final double DT = 1.0 / SAMPLE_RATE_HZ;
    private final SplittableRandom rng;
    private int remaining; // samples left in the current stretch
    private boolean talking;
    private int syllableLength;
    private int syllablePos;
    private double pitchHz;
    private double phase;
    private double f1;
    private double f2;

    SpeechSynth(SplittableRandom rng) {
      this.rng = rng;
      this.talking = rng.nextBoolean();
      this.remaining = stretchLength();
      this.pitchHz = 120 + 100 * rng.nextDouble();
      newSyllable();
    }

    /** Fills {@code frame}; returns how many samples were voiced. */
    int fill(double[] frame) {
      int voiced = 0;
      for (int n = 0; n < frame.length; n++) {
        if (remaining-- <= 0) {
          talking = !talking;
          remaining = stretchLength();
        }
        double noise = 0.0015 * rng.nextGaussian();
        if (!talking) {
          frame[n] = noise;
          continue;
        }
        if (syllablePos++ >= syllableLength) {
          newSyllable();
        }
        double envelope = Math.pow(Math.sin(Math.PI * syllablePos / syllableLength), 2);
        phase += 2 * Math.PI * pitchHz * DT;
        double sample = 0;
        for (int h = 1; h * pitchHz < 4000; h++) {
          double f = h * pitchHz;
          double gain =
              formant(f, f1, 90) + 0.6 * formant(f, f2, 120) + 0.2 * formant(f, 2600, 200);
          sample += gain * Math.sin(h * phase) / h;
        }
        frame[n] = 0.3 * envelope * sample + noise;
        if (envelope > 0.05) {
          voiced++;
        }
      }
      return voiced;
    }

    private int stretchLength() {
      double seconds = talking ? 0.6 + 1.4 * rng.nextDouble() : 0.3 + 1.2 * rng.nextDouble();
      return (int) (seconds * SAMPLE_RATE_HZ);
    }

    private void newSyllable() {
      syllableLength = (int) ((0.12 + 0.15 * rng.nextDouble()) * SAMPLE_RATE_HZ);
      syllablePos = 0;
      pitchHz = Math.max(80, Math.min(260, pitchHz + 15 * rng.nextGaussian()));
      f1 = 300 + 500 * rng.nextDouble();
      f2 = 900 + 1400 * rng.nextDouble();
    }

    private static double formant(double f, double centre, double bandwidth) {
      double x = (f - centre) / bandwidth;
      return 1 / (1 + x * x);
    }
  }
}
