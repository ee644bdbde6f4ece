package io.isthmus.offload.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.isthmus.offload.core.OipReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The function on AWS Lambda behind API Gateway (HTTP API) or a function URL: the same core as the
 * HTTP server, without Vert.x. The models load and warm in the class's static initialisation,
 * during Lambda's init phase, so the first invocation does not pay for them; configure them with
 * environment variables (see {@link LambdaConfiguration}).
 *
 * <p>Handler string: {@code io.isthmus.offload.lambda.OipLambdaHandler::handleRequest}.
 */
public final class OipLambdaHandler implements RequestStreamHandler {
  private static final LambdaConfiguration.Loaded DEFAULT =
      LambdaConfiguration.loadFromEnvironment();

  private final LambdaConfiguration.Loaded loaded;

  /** The handler Lambda creates: serves the models loaded during class initialisation. */
  public OipLambdaHandler() {
    this.loaded = DEFAULT;
  }

  /**
   * Answers one HTTP event. A bad configuration or an event that is not HTTP gets a 500 or 400
   * response with the protocol's error JSON rather than an invocation error.
   */
  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    OipReply reply;
    if (loaded.router().isEmpty()) {
      reply = OipReply.error(500, loaded.problem());
    } else {
      HttpEvent event;
      try {
        event = HttpEvent.parse(input);
      } catch (IllegalArgumentException | IOException e) {
        output.write(HttpEvent.response(OipReply.error(400, "Bad event: " + e.getMessage())));
        return;
      }
      reply =
          loaded
              .router()
              .get()
              .handle(event.method(), event.path(), event::header, event.body())
              .join();
    }
    output.write(HttpEvent.response(reply));
  }
}
