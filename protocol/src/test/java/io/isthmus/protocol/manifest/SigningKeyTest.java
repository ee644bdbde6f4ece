package io.isthmus.protocol.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.isthmus.protocol.manifest.ManifestException.Reason;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeyTest {
  @TempDir Path dir;

  @Test
  void writtenKeysReadBackAndDeriveTheSamePublicKey() throws Exception {
    SigningKey key = SigningKey.generate();
    key.writeTo(dir);

    SigningKey read = SigningKey.read(dir.resolve(SigningKey.PRIVATE_FILE));
    PublicKey publicKey = Pem.readPublicKey(dir.resolve(SigningKey.PUBLIC_FILE));

    assertThat(read.publicKey().getEncoded()).isEqualTo(key.publicKey().getEncoded());
    assertThat(publicKey.getEncoded()).isEqualTo(key.publicKey().getEncoded());
    assertThat(read.id()).isEqualTo(key.id());
  }

  @Test
  void privateKeyFileIsOwnerOnlyAndPemFramed() throws Exception {
    SigningKey.generate().writeTo(dir);
    Path privateFile = dir.resolve(SigningKey.PRIVATE_FILE);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(privateFile))
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Files.readString(dir.resolve(SigningKey.PUBLIC_FILE)))
        .startsWith("-----BEGIN PUBLIC KEY-----\n");
  }

  @Test
  void refusesToOverwriteAPrivateKey() throws Exception {
    SigningKey.generate().writeTo(dir);
    assertThatThrownBy(() -> SigningKey.generate().writeTo(dir))
        .isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void keyIdIsTheFirstEightBytesOfTheDerSha256() throws Exception {
    SigningKey key = SigningKey.generate();
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.publicKey().getEncoded());

    assertThat(key.id().hex()).isEqualTo(HexFormat.of().formatHex(digest, 0, 8)).hasSize(16);
  }

  @Test
  void readsAnOpensslWrittenKey() throws Exception {
    // `openssl genpkey -algorithm ed25519` output (RFC 8410 section 10.3 example key)
    Files.writeString(
        dir.resolve("rfc.pem"),
        "-----BEGIN PRIVATE KEY-----\n"
            + "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
            + "-----END PRIVATE KEY-----\n");
    Files.writeString(
        dir.resolve("rfc-pub.pem"),
        "-----BEGIN PUBLIC KEY-----\n"
            + "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
            + "-----END PUBLIC KEY-----\n");

    SigningKey key = SigningKey.read(dir.resolve("rfc.pem"));

    assertThat(key.publicKey().getEncoded())
        .isEqualTo(Pem.readPublicKey(dir.resolve("rfc-pub.pem")).getEncoded());
  }

  @Test
  void aPublicKeyIsNotAPrivateKey() throws Exception {
    SigningKey.generate().writeTo(dir);
    assertThatThrownBy(() -> SigningKey.read(dir.resolve(SigningKey.PUBLIC_FILE)))
        .isInstanceOfSatisfying(
            ManifestException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_KEY))
        .hasMessageContaining("BEGIN PRIVATE KEY");
  }

  @Test
  void aPrivateKeyIsNeverTrusted() throws Exception {
    SigningKey.generate().writeTo(dir);
    assertThatThrownBy(() -> TrustedKeys.load(dir))
        .isInstanceOfSatisfying(
            ManifestException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_KEY))
        .hasMessageContaining("private.pem holds a private key");
  }
}
