package io.isthmus.inference.tflite;

import io.isthmus.inference.InferenceException;
import io.isthmus.inference.InferenceException.Code;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Cheap checks before model bytes reach native code. TFLite runs a flatbuffer verifier itself
 * (truncated and random bytes fail there with "not a valid flatbuffer model"); this adds a clear
 * message for the commonest mistakes: an empty file, and a file of another format.
 */
final class TfLiteModelCheck {
  static final String IDENTIFIER = "TFL3";
  private static final int HEADER = 8;

  private TfLiteModelCheck() {}

  static void check(ByteBuffer model, String origin) throws InferenceException {
    if (model.remaining() < HEADER) {
      throw new InferenceException(
          Code.MODEL_INVALID,
          "TFLite model from " + origin + " has " + model.remaining() + " bytes, too few for one");
    }
    byte[] identifier = new byte[4];
    model.duplicate().position(model.position() + 4).get(identifier);
    if (!IDENTIFIER.equals(new String(identifier, StandardCharsets.ISO_8859_1))) {
      throw new InferenceException(
          Code.MODEL_INVALID,
          "Not a TFLite model: "
              + origin
              + " lacks the flatbuffer identifier "
              + IDENTIFIER
              + " at byte 4");
    }
    long root = Integer.toUnsignedLong(model.duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt());
    if (root < HEADER || root >= model.remaining()) {
      throw new InferenceException(
          Code.MODEL_INVALID,
          "TFLite model from "
              + origin
              + " is truncated or corrupted: root table offset "
              + root
              + " lies outside its "
              + model.remaining()
              + " bytes");
    }
  }
}
