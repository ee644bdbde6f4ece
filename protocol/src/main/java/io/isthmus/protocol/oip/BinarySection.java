package io.isthmus.protocol.oip;

import io.isthmus.protocol.ProtocolException;
import io.isthmus.protocol.ProtocolException.Reason;
import java.nio.ByteBuffer;

/** A cursor over the binary tensor data that follows the JSON header of a body. */
final class BinarySection {
  private final ByteBuffer remaining;
  private final boolean present;

  private BinarySection(ByteBuffer remaining, boolean present) {
    this.remaining = remaining;
    this.present = present;
  }

  /** The bytes of {@code body} after {@code headerLength}, wrapped without copying. */
  static BinarySection after(byte[] body, int headerLength) {
    return new BinarySection(
        ByteBuffer.wrap(body, headerLength, body.length - headerLength).slice(), true);
  }

  /** For a pure JSON body: no binary section at all. */
  static BinarySection none() {
    return new BinarySection(ByteBuffer.allocate(0), false);
  }

  /**
   * The next {@code size} bytes, as a view of the body.
   *
   * @throws ProtocolException INVALID_VALUE if the body has no binary section or fewer bytes left
   */
  ByteBuffer take(long size, String path) throws ProtocolException {
    if (!present) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          "'"
              + path
              + "' has binary_data_size but the body has no binary section (the "
              + OipBody.HEADER_CONTENT_LENGTH
              + " header is absent)");
    }
    if (size < 0 || size > remaining.remaining()) {
      throw new ProtocolException(
          Reason.SHAPE_MISMATCH,
          "'"
              + path
              + "' has binary_data_size "
              + size
              + " but only "
              + remaining.remaining()
              + " bytes of binary data remain");
    }
    ByteBuffer part = remaining.slice();
    part.limit((int) size);
    remaining.position(remaining.position() + (int) size);
    return part;
  }

  /**
   * @throws ProtocolException INVALID_VALUE if bytes remain that no tensor claimed
   */
  void requireConsumed() throws ProtocolException {
    if (remaining.hasRemaining()) {
      throw new ProtocolException(
          Reason.INVALID_VALUE,
          remaining.remaining()
              + " bytes of binary data follow the JSON header but no tensor's"
              + " binary_data_size claims them");
    }
  }
}
