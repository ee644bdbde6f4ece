package io.isthmus.agent.ingest;

/**
 * Why an MQTT operation failed: the broker could not be reached or refused the connection (TLS,
 * credentials), rejected a subscription or publish, or the connection was down or closed. The
 * message names the broker URI; the cause, when there is one, is the client library's exception.
 */
public class MqttConnectionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MqttConnectionException(String message) {
    super(message);
  }

  public MqttConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
