package io.isthmus.protocol.manifest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.isthmus.protocol.manifest.ManifestException.Reason;
import io.isthmus.protocol.v1.ModelManifest;
import io.isthmus.protocol.v1.SignedManifest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public keys a gateway accepts manifests from, by {@link KeyId}. Holding several keys is what
 * makes rotation work: gateways trust the old and the new key while packages move to the new one,
 * then drop the old (see docs/model-lifecycle.md).
 */
public final class TrustedKeys {
  private final Map<KeyId, PublicKey> keys;

  private TrustedKeys(Map<KeyId, PublicKey> keys) {
    this.keys = Collections.unmodifiableMap(keys);
  }

  /** Trusts exactly {@code keys}. */
  public static TrustedKeys of(Collection<PublicKey> keys) {
    Map<KeyId, PublicKey> byId = new LinkedHashMap<>();
    for (PublicKey key : keys) {
      byId.put(KeyId.of(key), key);
    }
    return new TrustedKeys(byId);
  }

  /**
   * Trusts the public key in {@code path} if it is a file, or every {@code *.pem} file in it if it
   * is a folder.
   *
   * @throws ManifestException ({@code bad_key}) if a file is not a PEM Ed25519 public key (a
   *     private key has no place on a gateway and is refused too), or the folder holds none
   * @throws IOException if a file cannot be read
   */
  public static TrustedKeys load(Path path) throws IOException, ManifestException {
    List<PublicKey> keys = new ArrayList<>();
    if (Files.isDirectory(path)) {
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> pems = Files.newDirectoryStream(path, "*.pem")) {
        pems.forEach(files::add);
      }
      files.sort(null);
      for (Path file : files) {
        keys.add(Pem.readPublicKey(file));
      }
      if (keys.isEmpty()) {
        throw new ManifestException(
            Reason.BAD_KEY, "No *.pem public keys in " + path + "; add the signer's public.pem");
      }
    } else {
      keys.add(Pem.readPublicKey(path));
    }
    return of(keys);
  }

  /** The ids of the trusted keys. */
  public Set<KeyId> ids() {
    return keys.keySet();
  }

  /**
   * The manifest inside {@code envelope}, after checking it is signed by a trusted key.
   *
   * @throws ManifestException {@code unsigned} without a signature, {@code unknown_key} naming a
   *     key id that is not trusted, {@code bad_signature} if the bytes do not verify, {@code
   *     malformed_manifest} if the verified bytes are not a manifest
   */
  public ModelManifest verify(SignedManifest envelope) throws ManifestException {
    if (envelope.getSignature().isEmpty() || envelope.getKeyId().isEmpty()) {
      throw new ManifestException(
          Reason.UNSIGNED, "The manifest is not signed; sign it with 'isthmus model sign'");
    }
    PublicKey key = keys.get(keyId(envelope.getKeyId()));
    if (key == null) {
      throw new ManifestException(
          Reason.UNKNOWN_KEY,
          "The manifest is signed by key "
              + envelope.getKeyId()
              + ", which is not trusted here (trusted: "
              + ids()
              + "); add its public key to the trusted keys if it is yours");
    }
    byte[] bytes = envelope.getManifest().toByteArray();
    if (!ManifestSigner.verifies(key, bytes, envelope.getSignature().toByteArray())) {
      throw new ManifestException(
          Reason.BAD_SIGNATURE,
          "The manifest's signature does not verify with key "
              + envelope.getKeyId()
              + ": the manifest was altered after signing");
    }
    try {
      return ModelManifest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ManifestException(
          Reason.MALFORMED_MANIFEST, "The signed bytes are not a ModelManifest", e);
    }
  }

  private static KeyId keyId(String hex) throws ManifestException {
    try {
      return new KeyId(hex);
    } catch (IllegalArgumentException e) {
      throw new ManifestException(
          Reason.UNKNOWN_KEY, "The manifest names key '" + hex + "', which is not a key id", e);
    }
  }
}
