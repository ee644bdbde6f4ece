package io.isthmus.offload.scaling;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Forecasts a window's invocation rate from the recent history of rates. When the history shows a
 * season (the lag, in windows, with the highest autocorrelation, if it reaches {@link
 * ScalingParameters#seasonCorrelation()}), it fits additive Holt-Winters (level, trend, season)
 * over the history; without one, Holt's linear method (level and trend, an EWMA with trend). The
 * fit is redone from the history each window, so the forecast depends only on the last {@link
 * ScalingParameters#historyWindows()} rates.
 */
final class RateForecaster {
  private final ScalingParameters parameters;
  private final Deque<Double> rates = new ArrayDeque<>();

  RateForecaster(ScalingParameters parameters) {
    this.parameters = parameters;
  }

  /** Adds the rate of the window that just ended. */
  void observe(double rate) {
    rates.addLast(rate);
    if (rates.size() > parameters.historyWindows()) {
      rates.removeFirst();
    }
  }

  /** The detected season in windows, or 0 when the history shows none (yet). */
  int season() {
    return season(history());
  }

  /** The highest rate forecast for the next {@code horizon} windows (0 before any observation). */
  double peakForecast(int horizon) {
    double[] x = history();
    if (x.length == 0) {
      return 0;
    }
    int season = season(x);
    double peak = 0;
    for (int h = 1; h <= horizon; h++) {
      peak = Math.max(peak, season > 0 ? holtWinters(x, season, h) : holt(x, h));
    }
    return peak;
  }

  private double[] history() {
    return rates.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private int season(double[] x) {
    int n = x.length;
    if (n < 2 * parameters.minSeasonWindows()) {
      return 0;
    }
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    double variance = 0;
    for (double v : x) {
      variance += (v - mean) * (v - mean);
    }
    if (variance == 0) {
      return 0;
    }
    // A season is a peak of the autocorrelation: a trend alone makes it high but falling at every
    // lag.
    int maxLag = n / 2;
    double[] correlation = new double[maxLag + 2];
    for (int lag = parameters.minSeasonWindows() - 1; lag <= maxLag + 1 && lag < n; lag++) {
      double sum = 0;
      for (int i = 0; i + lag < n; i++) {
        sum += (x[i] - mean) * (x[i + lag] - mean);
      }
      correlation[lag] = sum / variance;
    }
    int best = 0;
    double bestCorrelation = parameters.seasonCorrelation();
    for (int lag = parameters.minSeasonWindows(); lag <= maxLag; lag++) {
      boolean peak =
          correlation[lag] > correlation[lag - 1] && correlation[lag] >= correlation[lag + 1];
      if (peak && correlation[lag] > bestCorrelation) {
        bestCorrelation = correlation[lag];
        best = lag;
      }
    }
    return best;
  }

  private double holt(double[] x, int horizon) {
    double alpha = parameters.levelSmoothing();
    double beta = parameters.trendSmoothing();
    double level = x[0];
    double trend = 0;
    for (int t = 1; t < x.length; t++) {
      double previous = level;
      level = alpha * x[t] + (1 - alpha) * (level + trend);
      trend = beta * (level - previous) + (1 - beta) * trend;
    }
    return Math.max(0, level + horizon * trend);
  }

  private double holtWinters(double[] x, int p, int horizon) {
    double alpha = parameters.levelSmoothing();
    double beta = parameters.trendSmoothing();
    double gamma = parameters.seasonSmoothing();
    double first = mean(x, 0, p);
    double level = first;
    double trend = (mean(x, p, 2 * p) - first) / p;
    double[] seasonal = new double[p];
    for (int i = 0; i < p; i++) {
      seasonal[i] = x[i] - first;
    }
    for (int t = p; t < x.length; t++) {
      double previous = level;
      level = alpha * (x[t] - seasonal[t % p]) + (1 - alpha) * (level + trend);
      trend = beta * (level - previous) + (1 - beta) * trend;
      seasonal[t % p] = gamma * (x[t] - level) + (1 - gamma) * seasonal[t % p];
    }
    return Math.max(0, level + horizon * trend + seasonal[(x.length - 1 + horizon) % p]);
  }

  private static double mean(double[] x, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += x[i];
    }
    return sum / (to - from);
  }
}
