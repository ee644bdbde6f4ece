package io.isthmus.agent.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** MQTT 3.1.1 over Paho's {@code mqttv3} client; no content types, no shared subscriptions. */
final class Paho3Connection extends PahoConnection implements MqttCallback {

  private static final int SUBACK_FAILURE = 0x80;
  private static final long DISCONNECT_QUIESCE_MS = 1_000;

  private final MqttAsyncClient client;
  private final MqttConnectOptions connectOptions;

  Paho3Connection(Vertx vertx, MqttOptions options, SocketFactory sockets) throws MqttException {
    super(vertx, options);
    this.client =
        new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
    this.client.setCallback(this);
    this.connectOptions = new MqttConnectOptions();
    connectOptions.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    connectOptions.setCleanSession(options.cleanStart());
    connectOptions.setKeepAliveInterval((int) options.keepAlive().toSeconds());
    connectOptions.setConnectionTimeout((int) options.connectTimeout().toSeconds());
    connectOptions.setMaxInflight(options.maxInflight());
    connectOptions.setAutomaticReconnect(false); // PahoConnection reconnects with backoff
    options.username().ifPresent(connectOptions::setUserName);
    options.password().ifPresent(connectOptions::setPassword);
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
    String[] filters = subs.stream().map(Subscription::filter).toArray(String[]::new);
    int[] qos = subs.stream().mapToInt(Subscription::qos).toArray();
    Promise<Void> promise = Promise.promise();
    try {
      client.subscribe(filters, qos, null, listener(promise, token -> rejected(filters, token)));
    } catch (MqttException e) {
      promise.tryFail(e);
    }
    return promise.future();
  }

  private static Throwable rejected(String[] filters, IMqttToken token) {
    int[] granted = token.getGrantedQos();
    List<String> refused = new ArrayList<>();
    for (int i = 0; i < filters.length && granted != null && i < granted.length; i++) {
      if (granted[i] >= SUBACK_FAILURE) {
        refused.add(filters[i]);
      }
    }
    return refused.isEmpty() ? null : new MqttConnectionException("refused filters " + refused);
  }

  @Override
  Future<Void> pahoPublish(
      String topic, byte[] payload, int qos, boolean retained, String contentType) {
    Promise<Void> promise = Promise.promise();
    try {
      client.publish(topic, payload, qos, retained, null, listener(promise, token -> null));
    } catch (MqttException e) {
      if (e.getReasonCode() == MqttException.REASON_CODE_MAX_INFLIGHT) {
        throw new InflightFull();
      }
      if (e.getReasonCode() == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED) {
        throw new NotConnected();
      }
      promise.tryFail(e);
    }
    return promise.future();
  }

  @Override
  boolean pahoConnected() {
    return client.isConnected();
  }

  @Override
  Future<Void> pahoDisconnect() {
    Promise<Void> promise = Promise.promise();
    try {
      client.disconnect(DISCONNECT_QUIESCE_MS, null, listener(promise, token -> null));
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
  public void connectionLost(Throwable cause) {
    onConnectionLost(cause);
  }

  @Override
  public void messageArrived(String topic, MqttMessage message) {
    route(topic, message.getPayload(), message.getQos(), null);
  }

  @Override
  public void deliveryComplete(IMqttDeliveryToken token) {
    // publish futures complete through their action listeners
  }

  private static IMqttActionListener listener(
      Promise<Void> promise, Function<IMqttToken, Throwable> check) {
    return new IMqttActionListener() {
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
