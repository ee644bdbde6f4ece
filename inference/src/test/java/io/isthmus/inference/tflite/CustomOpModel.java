package io.isthmus.inference.tflite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builds a TFLite model that needs a custom operator, as MediaPipe and Edge TPU models do: it
 * copies a real model and points its first operator code at a new OperatorCode table, appended at
 * the end of the flatbuffer, whose builtin code is CUSTOM with {@code customCode}. Flatbuffer
 * offsets to tables and strings point forward, so appending keeps every other offset valid.
 */
final class CustomOpModel {
  private static final int BUILTIN_CUSTOM = 32; // tflite::BuiltinOperator_CUSTOM
  private static final int MODEL_OPERATOR_CODES = 1; // field index in table Model

  private CustomOpModel() {}

  static byte[] withCustomOperator(byte[] model, String customCode) {
    ByteBuffer in = ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN);
    int root = in.getInt(0);
    int codesField = field(in, root, MODEL_OPERATOR_CODES);
    if (codesField == 0) {
      throw new IllegalArgumentException("Model has no operator_codes");
    }
    int vector = codesField + in.getInt(codesField);
    int firstElement = vector + 4;

    byte[] name = customCode.getBytes(StandardCharsets.UTF_8);
    int vtable = align(model.length, 4);
    int table = vtable + 12;
    int string = table + 20;
    int end = align(string + 4 + name.length + 1, 4);
    ByteBuffer out = ByteBuffer.allocate(end).order(ByteOrder.LITTLE_ENDIAN);
    out.put(model);
    // vtable: size, table size, then the field offsets of OperatorCode:
    // deprecated_builtin_code (byte), custom_code (string), version (int), builtin_code (int)
    out.putShort(vtable, (short) 12).putShort(vtable + 2, (short) 20);
    out.putShort(vtable + 4, (short) 16).putShort(vtable + 6, (short) 4);
    out.putShort(vtable + 8, (short) 8).putShort(vtable + 10, (short) 12);
    out.putInt(table, table - vtable); // soffset: vtable = table - soffset
    out.putInt(table + 4, string - (table + 4));
    out.putInt(table + 8, 1);
    out.putInt(table + 12, BUILTIN_CUSTOM);
    out.put(table + 16, (byte) BUILTIN_CUSTOM);
    out.putInt(string, name.length);
    out.put(string + 4, name);
    out.putInt(firstElement, table - firstElement);
    return out.array();
  }

  /** The absolute position of field {@code index} of the table at {@code table}, or 0. */
  private static int field(ByteBuffer buffer, int table, int index) {
    int vtable = table - buffer.getInt(table);
    int vtableSize = Short.toUnsignedInt(buffer.getShort(vtable));
    int slot = 4 + 2 * index;
    if (slot >= vtableSize) {
      return 0;
    }
    int offset = Short.toUnsignedInt(buffer.getShort(vtable + slot));
    return offset == 0 ? 0 : table + offset;
  }

  private static int align(int value, int alignment) {
    return (value + alignment - 1) / alignment * alignment;
  }
}
