package io.isthmus.agent.offload;

/** Why an event ran the full model on the gateway instead of its cut; a metric tag each. */
public enum FallbackReason {
  /** the server did not answer within the deadline */
  TIMEOUT("timeout"),
  /** the connection could not be made or broke */
  CONNECTION("connection"),
  /** a 5xx answer */
  SERVER_ERROR("server_error"),
  /** a 429 answer: the server is over its concurrency limit */
  THROTTLED("throttled"),
  /** another answer the agent cannot use: a 4xx, or a body that does not decode */
  BAD_RESPONSE("bad_response"),
  /** the circuit breaker is open: the cloud failed recently */
  CIRCUIT_OPEN("circuit_open");

  private final String tag;

  FallbackReason(String tag) {
    this.tag = tag;
  }

  /** The metric tag value. */
  public String tag() {
    return tag;
  }
}
