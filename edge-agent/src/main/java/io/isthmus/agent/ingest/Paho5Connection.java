package io.isthmus.agent.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** MQTT 5 over Paho's {@code mqttv5} client: content types and shared subscriptions. */
final class Paho5Connection extends PahoConnection implements MqttCallback {

  private static final int REASON_FAILURE = 0x80;
  private static final long DISCONNECT_QUIESCE_MS = 1_000;

  private final MqttAsyncClient client;
  private final MqttConnectionOptions connectOptions;

  Paho5Connection(Vertx vertx, MqttOptions options, SocketFactory sockets) throws MqttException {
    super(vertx, options);
    this.client =
        new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
    this.client.setCallback(this);
    this.connectOptions = new MqttConnectionOptions();
    connectOptions.setCleanStart(options.cleanStart());
    connectOptions.setKeepAliveInterval((int) options.keepAlive().toSeconds());
    connectOptions.setConnectionTimeout((int) options.connectTimeout().toSeconds());
    if (!options.sessionExpiry().isZero()) {
      connectOptions.setSessionExpiryInterval(options.sessionExpiry().toSeconds());
    }
    // MQTT 5 has no client-side in-flight setting: Receive Maximum caps the broker's side
    connectOptions.setReceiveMaximum(options.maxInflight());
    connectOptions.setAutomaticReconnect(false); // PahoConnection reconnects with backoff
    options.username().ifPresent(connectOptions::setUserName);
    options
        .password()
        .ifPresent(
            password -> {
              var bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
              byte[] utf8 = new byte[bytes.remaining()];
              bytes.get(utf8);
              connectOptions.setPassword(utf8);
              Arrays.fill(password, '\0');
            });
    connectOptions.setSocketFactory(sockets);
    if (options.isTls()) {
      connectOptions.setHttpsHostnameVerificationEnabled(options.verifyHostname());
    }
  }

  @Override
  Future<Void> pahoConnect() {
    Promise<Void> promise = Promise.promise();
    try {
      client.connect(connectOptions, null, listener(promise, token -> null));
    } catch (MqttException e) {
      promise.tryFail(e);
    }
    return promise.future();
  }

  @Override
  Future<Void> pahoSubscribe(List<Subscription> subs) {
    String group = options.sharedGroup().orElse(null);
    MqttSubscription[] wire =
        subs.stream()
            .map(
                s ->
                    new MqttSubscription(
                        group == null ? s.filter() : "$share/" + group + "/" + s.filter(), s.qos()))
            .toArray(MqttSubscription[]::new);
    Promise<Void> promise = Promise.promise();
    try {
      client.subscribe(
          wire, null, listener(promise, token -> rejected(wire, token)), new MqttProperties());
    } catch (MqttException e) {
      promise.tryFail(e);
    }
    return promise.future();
  }

  private static Throwable rejected(MqttSubscription[] wire, IMqttToken token) {
    int[] codes = token.getReasonCodes();
    List<String> refused = new ArrayList<>();
    for (int i = 0; codes != null && i < wire.length && i < codes.length; i++) {
      if (codes[i] >= REASON_FAILURE) {
        refused.add(wire[i].getTopic() + " (reason code 0x" + Integer.toHexString(codes[i]) + ")");
      }
    }
    return refused.isEmpty() ? null : new MqttConnectionException("refused filters " + refused);
  }

  @Override
  Future<Void> pahoPublish(
      String topic, byte[] payload, int qos, boolean retained, String contentType) {
    MqttMessage message = new MqttMessage(payload);
    message.setQos(qos);
    message.setRetained(retained);
    if (contentType != null) {
      MqttProperties properties = new MqttProperties();
      properties.setContentType(contentType);
      message.setProperties(properties);
    }
    Promise<Void> promise = Promise.promise();
    try {
      client.publish(topic, message, null, listener(promise, Paho5Connection::publishRejected));
    } catch (MqttException e) {
      if (e.getReasonCode()
          == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
        throw new InflightFull();
      }
      if (e.getReasonCode()
          == org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED) {
        throw new NotConnected();
      }
      promise.tryFail(e);
    }
    return promise.future();
  }

  private static Throwable publishRejected(IMqttToken token) {
    int[] codes = token.getReasonCodes();
    if (codes != null && codes.length > 0 && codes[0] >= REASON_FAILURE) {
      return new MqttConnectionException(
          "broker refused the message (reason code 0x" + Integer.toHexString(codes[0]) + ")");
    }
    return null;
  }

  @Override
  boolean pahoConnected() {
    return client.isConnected();
  }

  @Override
  Future<Void> pahoDisconnect() {
    Promise<Void> promise = Promise.promise();
    try {
      client.disconnect(
          DISCONNECT_QUIESCE_MS,
          null,
          listener(promise, token -> null),
          0, // normal disconnection
          new MqttProperties());
    } catch (MqttException e) {
      promise.tryFail(e);
    }
    return promise.future();
  }

  @Override
  boolean pahoClose() {
    try {
      client.close();
      return true;
    } catch (MqttException e) {
      return false;
    }
  }

  @Override
  public void disconnected(MqttDisconnectResponse response) {
    Throwable cause = response.getException();
    onConnectionLost(
        cause != null
            ? cause
            : new MqttConnectionException(
                "broker sent DISCONNECT, reason code 0x"
                    + Integer.toHexString(response.getReturnCode())
                    + (response.getReasonString() != null
                        ? " " + response.getReasonString()
                        : "")));
  }

  @Override
  public void mqttErrorOccurred(MqttException exception) {
    LOG.atWarn()
        .addKeyValue("broker", serverUri())
        .log("MQTT protocol error: broker={} reason={}", serverUri(), describe(exception));
  }

  @Override
  public void messageArrived(String topic, MqttMessage message) {
    MqttProperties properties = message.getProperties();
    route(
        topic,
        message.getPayload(),
        message.getQos(),
        properties == null ? null : properties.getContentType());
  }

  @Override
  public void deliveryComplete(IMqttToken token) {
    // publish futures complete through their action listeners
  }

  @Override
  public void connectComplete(boolean reconnect, String serverUri) {
    // PahoConnection tracks connections itself; Paho's automatic reconnect is off
  }

  @Override
  public void authPacketArrived(int reasonCode, MqttProperties properties) {
    // no enhanced authentication
  }

  private static MqttActionListener listener(
      Promise<Void> promise, Function<IMqttToken, Throwable> check) {
    return new MqttActionListener() {
      @Override
      public void onSuccess(IMqttToken token) {
        Throwable failure = check.apply(token);
        if (failure == null) {
          promise.tryComplete();
        } else {
          promise.tryFail(failure);
        }
      }

      @Override
      public void onFailure(IMqttToken token, Throwable error) {
        promise.tryFail(error);
      }
    };
  }
}
