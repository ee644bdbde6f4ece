package io.isthmus.offload.testing;

import io.isthmus.offload.OffloadFunction;
import io.isthmus.offload.auth.BearerAuthenticator;
import io.isthmus.offload.core.OffloadOptions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An in-process function on a free port, with a client and a metrics reader, for the tests. */
public final class RunningFunction implements AutoCloseable {
  private final OffloadFunction function;
  private final OipClient client;

  private RunningFunction(OffloadFunction function) {
    this.function = function;
    this.client = new OipClient(function.port());
  }

  public static RunningFunction start(OffloadOptions options) throws Exception {
    return start(options, Optional.empty());
  }

  public static RunningFunction start(OffloadOptions options, Optional<BearerAuthenticator> auth)
      throws Exception {
    return new RunningFunction(
        OffloadFunction.start(options, auth, "127.0.0.1", 0).get(60, TimeUnit.SECONDS));
  }

  public OffloadFunction function() {
    return function;
  }

  public OipClient client() {
    return client;
  }

  public int port() {
    return function.port();
  }

  /** The value of the first Prometheus sample whose name and labels start with {@code prefix}. */
  public double metric(String prefix) throws Exception {
    String text = client.getText("/metrics").body();
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(prefix) + "[^ ]* ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Override
  public void close() {
    function.close();
  }
}
