package io.isthmus.agent.outbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An MQTT publish as stored in one outbox record: topic, content type ("" for none) and payload.
 * Layout: a version byte (1), the topic and the content type in modified UTF-8 with a 2-byte length
 * ({@link DataOutputStream#writeUTF}), then the payload to the end of the record.
 *
 * @param topic the MQTT topic
 * @param contentType the MQTT 5 content type, "" for none
 * @param payload the message body
 */
public record OutboxMessage(String topic, String contentType, byte[] payload) {
  private static final int VERSION = 1;

  /** The record bytes to give {@link Outbox#append}. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + topic.length() + 32);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(topic);
      out.writeUTF(contentType);
      out.write(payload);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Reads what {@link #encode()} wrote.
   *
   * @throws IOException if the record is not of that form
   */
  public static OutboxMessage decode(byte[] record) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("Unknown outbox message version " + version + ", expected " + VERSION);
    }
    String topic = in.readUTF();
    String contentType = in.readUTF();
    return new OutboxMessage(topic, contentType, in.readAllBytes());
  }
}
