package io.isthmus.sim.profile;

/** Test helper: the magnitude of one frequency in a window (a single-bin DFT). */
final class Spectra {
  private Spectra() {}

  static double magnitude(double[] x, double hz, double sampleRateHz) {
    double re = 0;
    double im = 0;
    for (int n = 0; n < x.length; n++) {
      double a = 2 * Math.PI * hz * n / sampleRateHz;
      re += x[n] * Math.cos(a);
      im -= x[n] * Math.sin(a);
    }
    return Math.hypot(re, im) / x.length;
  }

  /** Mean squared magnitude over [fromHz, toHz], in steps of the bin spacing. */
  static double bandPower(double[] x, double fromHz, double toHz, double sampleRateHz) {
    double step = sampleRateHz / x.length;
    double sum = 0;
    int n = 0;
    for (double f = fromHz; f <= toHz; f += step) {
      double m = magnitude(x, f, sampleRateHz);
      sum += m * m;
      n++;
    }
    return sum / n;
  }
}
