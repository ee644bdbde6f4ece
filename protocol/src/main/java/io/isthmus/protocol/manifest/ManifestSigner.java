package io.isthmus.protocol.manifest;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.isthmus.protocol.v1.ModelManifest;
import io.isthmus.protocol.v1.SignedManifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Signs manifests. The signed bytes are the manifest's protobuf serialization with deterministic
 * serialization switched on ({@link #canonicalBytes}); they travel inside the {@link
 * SignedManifest} as they were signed, so a verifier checks exactly those bytes before parsing them
 * and never re-serializes anything.
 */
public final class ManifestSigner {
  private ManifestSigner() {}

  /** The bytes a signature covers: {@code manifest} serialized deterministically. */
  public static byte[] canonicalBytes(ModelManifest manifest) {
    byte[] bytes = new byte[manifest.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      manifest.writeTo(out);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException("Serializing a manifest into an array failed", e);
    }
    return bytes;
  }

  /** An unsigned envelope around {@code manifest}, as {@code model pack} writes it. */
  public static SignedManifest unsigned(ModelManifest manifest) {
    return SignedManifest.newBuilder()
        .setManifest(ByteString.copyFrom(canonicalBytes(manifest)))
        .build();
  }

  /**
   * {@code envelope} signed with {@code key}, replacing any earlier signature; the manifest bytes
   * are kept as they are.
   */
  public static SignedManifest sign(SignedManifest envelope, SigningKey key) {
    byte[] signature = key.sign(envelope.getManifest().toByteArray());
    return envelope.toBuilder()
        .setSignature(ByteString.copyFrom(signature))
        .setKeyId(key.id().hex())
        .build();
  }

  /** {@code manifest} serialized and signed with {@code key}. */
  public static SignedManifest sign(ModelManifest manifest, SigningKey key) {
    return sign(unsigned(manifest), key);
  }

  /** Whether {@code signature} is an Ed25519 signature of {@code data} by {@code key}. */
  static boolean verifies(PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (java.security.SignatureException e) {
      return false; // a malformed signature (wrong length) is simply not a valid one
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 verification could not run", e);
    }
  }
}
